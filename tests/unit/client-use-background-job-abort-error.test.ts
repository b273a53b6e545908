/**
 * `useBackgroundJob`'s `error` says "when `abort()` failed" (docs/client.md): once the job is
 * stopped — a later `abort()` went through, or the job ended — that message no longer holds.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import { useBackgroundJob } from '../../app/composables/useBackgroundJob'
import { emptyMetrics } from '../../shared/events'
import { createJobState } from '../../shared/reducer'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let app: ComposableApp

const running = { ...createJobState({ id: 'j1', type: 'chat', createdAt: 0 }), status: 'running' as const, seq: 3, content: 'abc' }
const unreachable = () => Object.assign(new Error('[POST] "/api/jobs/j1/abort": 503 Service Unavailable'), { statusCode: 503, data: { statusCode: 503, message: 'Background jobs are restarting; retry in 5 s' } })

beforeEach(() => {
  vi.useFakeTimers()
  app = createComposableApp(async () => ({ state: running }))
})

afterEach(() => {
  app.dispose()
  vi.useRealTimers()
})

describe('useBackgroundJob: error after an abort() that failed', () => {
  it('a second abort() that goes through clears the first one\'s message', async () => {
    const view = app.mount(() => useBackgroundJob('j1', { initialState: running }))
    app.sources[0]!.open()
    vi.stubGlobal('$fetch', async () => { throw unreachable() })
    expect(await view.result.abort()).toBeNull()
    expect(view.result.error.value).toBe('Background jobs are restarting; retry in 5 s')

    vi.stubGlobal('$fetch', async () => ({ job: { id: 'j1', status: 'running' } }))
    expect(await view.result.abort()).not.toBeNull()
    expect(view.result.error.value).toBeNull()
  })

  it('the job\'s end on the stream clears it: the job is stopped', async () => {
    const view = app.mount(() => useBackgroundJob('j1', { initialState: running }))
    app.sources[0]!.open()
    vi.stubGlobal('$fetch', async () => { throw unreachable() })
    await view.result.abort()
    app.sources[0]!.emit('job-end', { seq: 4, at: 4, type: 'job-end', status: 'aborted', metrics: emptyMetrics() }, '4')
    expect(view.result.status.value).toBe('aborted')
    await nextTick()
    expect(view.result.error.value).toBeNull()
  })

  it('an abort() that goes through keeps a message that is not an abort\'s (why live updates stopped)', async () => {
    const view = app.mount(() => useBackgroundJob('j1', { initialState: running }))
    app.sources[0]!.open()
    vi.stubGlobal('$fetch', async () => ({ job: { id: 'j1', status: 'running' } }))
    view.result.error.value = 'Live updates stopped: x.'
    await view.result.abort()
    expect(view.result.error.value).toBe('Live updates stopped: x.')
  })
})
