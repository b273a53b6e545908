/**
 * `useBackgroundJob` after its follower gave up (the stream failed to open again and again although
 * the job exists, e.g. the stream cap's 429): `error` says why in the server's words, and following
 * resumes on a wake signal (online, tab shown) or `connect()` — instead of a `running` job shown as
 * "writing…" for ever with `connection: 'closed'` and no error.
 */
import { nextTick } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useBackgroundJob } from '../../app/composables/useBackgroundJob'
import { activeJobFollowers } from '../../app/lib/job-follower-registry'
import { REOPEN_MAX_ATTEMPTS } from '../../app/lib/job-stream'
import { describeStreamFailure } from '../../app/lib/stream-failure'
import { createJobState } from '../../shared/reducer'
import type { JobState } from '../../shared/reducer'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

const CAP_MESSAGE = 'Too many open streams: at most 2 per user (limits.maxStreamsPerUser); close a tab or stream first'

let app: ComposableApp
let job: JobState
let streamAnswer: () => Promise<Response>
let streamRequests: string[]
let browser: EventTarget

function running(seq: number, content: string): JobState {
  return { ...createJobState({ id: 'j1', type: 'chat', createdAt: 0 }), status: 'running', seq, content }
}

beforeEach(() => {
  vi.useFakeTimers()
  job = running(1, 'a')
  app = createComposableApp(async () => ({ state: job }))
  streamRequests = []
  streamAnswer = async () => new Response(JSON.stringify({ statusCode: 429, message: CAP_MESSAGE }), { status: 429, statusText: 'Too Many Requests' })
  vi.stubGlobal('fetch', (url: string) => {
    streamRequests.push(url)
    return streamAnswer()
  })
  browser = new EventTarget()
  vi.stubGlobal('window', browser)
  vi.stubGlobal('document', Object.assign(new EventTarget(), { visibilityState: 'visible' }))
})

afterEach(() => {
  app.dispose()
  vi.useRealTimers()
})

/** Every stream open fails (as a refused EventSource does) until the follower gives up. */
async function failUntilGiveUp(): Promise<void> {
  for (let attempt = 0; attempt < REOPEN_MAX_ATTEMPTS; attempt++) {
    app.sources.at(-1)!.fail(2)
    await vi.runOnlyPendingTimersAsync()
  }
  app.sources.at(-1)!.fail(2)
  await vi.runAllTimersAsync()
  await nextTick()
}

describe('useBackgroundJob: after the follower gave up', () => {
  it('error names the refusal in the server\'s words while the job still runs', async () => {
    const view = app.mount(() => useBackgroundJob('j1', { initialState: job }))
    await failUntilGiveUp()
    expect(app.sources).toHaveLength(REOPEN_MAX_ATTEMPTS + 1)
    expect(view.result.connection.value).toBe('closed')
    expect(view.result.status.value).toBe('running')
    expect(view.result.error.value).toBe(`Live updates stopped: the server refused its stream (429): ${CAP_MESSAGE}. They resume when the network is back or the tab is shown again.`)
    expect(streamRequests).toEqual(['/api/jobs/j1/stream'])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('error says the server could not be reached when asking the stream gets no answer', async () => {
    streamAnswer = async () => { throw new TypeError('fetch failed') }
    const view = app.mount(() => useBackgroundJob('j1', { initialState: job }))
    await failUntilGiveUp()
    expect(view.result.error.value).toMatch(/^Live updates stopped: the server could not be reached\./)
  })

  it('a job that ended meanwhile shows its end, with no error', async () => {
    const view = app.mount(() => useBackgroundJob('j1', { initialState: job }))
    for (let attempt = 0; attempt < REOPEN_MAX_ATTEMPTS; attempt++) {
      app.sources.at(-1)!.fail(2)
      await vi.runOnlyPendingTimersAsync()
    }
    // The probes found it running; the read after the give-up finds it completed.
    job = { ...running(2, 'ab'), status: 'completed' }
    app.sources.at(-1)!.fail(2)
    await vi.runAllTimersAsync()
    expect(view.result.status.value).toBe('completed')
    expect(view.result.error.value).toBeNull()
  })

  it('following resumes when the browser comes back online; the message goes, and returns if it gives up again', async () => {
    const view = app.mount(() => useBackgroundJob('j1', { initialState: job }))
    await failUntilGiveUp()
    expect(view.result.error.value).toMatch(/429/)
    browser.dispatchEvent(new Event('online'))
    expect(app.sources).toHaveLength(REOPEN_MAX_ATTEMPTS + 2)
    expect(view.result.connection.value).toBe('connecting')
    expect(view.result.error.value).toBeNull()
    app.sources.at(-1)!.open()
    app.sources.at(-1)!.emit('text-delta', [1, 'b'], '2')
    expect(view.result.connection.value).toBe('open')
    expect(view.result.text.value).toBe('ab')
    // A second wake signal while following opens nothing more.
    browser.dispatchEvent(new Event('online'))
    expect(app.sources).toHaveLength(REOPEN_MAX_ATTEMPTS + 2)
    await failUntilGiveUp()
    expect(view.result.connection.value).toBe('closed')
    expect(view.result.error.value).toMatch(/^Live updates stopped: the server refused its stream \(429\)/)
  })

  it('connect() follows again at once; every component that showed the job rejoins the one stream', async () => {
    const list = app.mount(() => useBackgroundJob('j1', { initialState: job }))
    const detail = app.mount(() => useBackgroundJob('j1'))
    await failUntilGiveUp()
    expect(detail.result.error.value).toMatch(/429/)
    detail.result.connect()
    await nextTick()
    expect(app.openSources()).toHaveLength(1)
    expect(list.result.error.value).toBeNull()
    detail.unmount()
    expect(app.openSources()).toHaveLength(1) // the list still follows
    list.unmount()
    expect(app.openSources()).toHaveLength(0)
    expect(activeJobFollowers()).toBe(0)
  })

  it('refresh() that reads the still running job keeps saying live updates stopped (they still are)', async () => {
    const view = app.mount(() => useBackgroundJob('j1', { initialState: job }))
    await failUntilGiveUp()
    const stopped = view.result.error.value
    expect(stopped).toMatch(/^Live updates stopped: /)
    job = running(2, 'ab')
    await view.result.refresh()
    expect(view.result.text.value).toBe('ab')
    expect(view.result.connection.value).toBe('closed')
    expect(view.result.error.value).toBe(stopped)
    // Once read as ended, live updates have nothing left to say.
    job = { ...running(3, 'abc'), status: 'completed' }
    await view.result.refresh()
    expect(view.result.error.value).toBeNull()
  })

  it('a component unmounted after the give-up leaves no wake listener behind', async () => {
    const view = app.mount(() => useBackgroundJob('j1', { initialState: job }))
    await failUntilGiveUp()
    view.unmount()
    browser.dispatchEvent(new Event('online'))
    expect(app.sources).toHaveLength(REOPEN_MAX_ATTEMPTS + 1)
    expect(activeJobFollowers()).toBe(0)
  })

  it('a stream that opens when asked why is closed at once (its slot goes back)', async () => {
    let cancelled = false
    const body = new ReadableStream({ cancel: () => { cancelled = true } })
    const reason = await describeStreamFailure('/api/jobs/j1/stream', async () => new Response(body, { status: 200 }))
    expect(reason).toBe('its stream broke each time it opened')
    expect(cancelled).toBe(true)
    expect(vi.getTimerCount()).toBe(0)
  })
})
