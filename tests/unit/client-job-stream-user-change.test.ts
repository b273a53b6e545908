/**
 * The signed-in user changes without a page load (sign-out, sign-in; the app calls
 * `clearNuxtState()`, as docs/client.md says): a `useBackgroundJob` kept mounted opened its job's
 * stream as the last user, and the server, which checks the user when a stream opens, went on
 * sending that job. The stream now opens again (once for every component of the job).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useBackgroundJob } from '../../app/composables/useBackgroundJob'
import { activeJobFollowers } from '../../app/lib/job-follower-registry'
import { createJobState } from '../../shared/reducer'
import type { JobState } from '../../shared/reducer'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let app: ComposableApp
/** Whether the server sees a signed-in user (else it refuses: 401). */
let signedIn: boolean

function running(seq: number, content: string): JobState {
  return { ...createJobState({ id: 'j1', type: 'chat', createdAt: 0 }), status: 'running', seq, content }
}

/** As Nuxt 4's clearNuxtState() does: every state key removed. */
function clearNuxtState() {
  for (const state of app.payload.values()) state.value = undefined
}

beforeEach(() => {
  vi.useFakeTimers()
  signedIn = true
  app = createComposableApp(async () => {
    if (!signedIn) throw Object.assign(new Error('[GET] 401'), { statusCode: 401, data: { statusCode: 401, message: 'Unauthorized' } })
    return { state: running(1, '') }
  })
})

afterEach(() => {
  app.dispose()
  vi.useRealTimers()
})

describe('clearNuxtState() with a useBackgroundJob mounted', () => {
  it('opens the job\'s stream again, once for the components that share it, from nothing', () => {
    const list = app.mount(() => useBackgroundJob('j1'))
    const detail = app.mount(() => useBackgroundJob('j1'))
    const first = app.sources[0]!
    first.open()
    first.emit('snapshot', running(3, 'Their answer'), '3')
    expect(list.result.text.value).toBe('Their answer')

    clearNuxtState()
    expect(first.closed).toBe(true)
    expect(app.openSources()).toHaveLength(1)
    expect(app.openSources()[0]!.url).toBe('/api/jobs/j1/stream')
    expect(list.result.text.value).toBe('')
    first.emit('text-delta', [12, ' and more'], '4')
    expect(detail.result.text.value).toBe('')

    list.unmount()
    detail.unmount()
    expect(app.openSources()).toHaveLength(0)
    expect(activeJobFollowers()).toBe(0)
  })

  it('opens it from nothing when the clear reaches the token before the job\'s state (the keys\' order)', () => {
    const view = app.mount(() => useBackgroundJob('j1'))
    const first = app.sources[0]!
    first.open()
    first.emit('snapshot', running(3, 'Their answer'), '3')
    app.payload.get('background-jobs:session')!.value = undefined
    expect(app.openSources().map(source => source.url)).toEqual(['/api/jobs/j1/stream'])
    expect(view.result.text.value).toBe('')
    view.unmount()
  })

  it('follows the job again at the next sign-in\'s clear after the sign-out\'s clear was refused', async () => {
    const view = app.mount(() => useBackgroundJob('j1'))
    app.sources[0]!.open()
    app.sources[0]!.emit('snapshot', running(3, 'Their answer'), '3')

    // Sign-out: the stream opens again as nobody, and the server refuses it.
    signedIn = false
    clearNuxtState()
    app.openSources()[0]!.fail()
    await vi.runAllTimersAsync()
    expect(view.result.connection.value).toBe('denied')
    expect(app.openSources()).toHaveLength(0)

    // Sign-in (the app clears its state again, as docs/client.md says): the job is followed again, from nothing.
    signedIn = true
    clearNuxtState()
    expect(app.openSources().map(source => source.url)).toEqual(['/api/jobs/j1/stream'])
    app.openSources()[0]!.open()
    app.openSources()[0]!.emit('snapshot', running(4, 'Mine now'), '4')
    expect(view.result.text.value).toBe('Mine now')
    expect(view.result.connection.value).toBe('open')
    expect(view.result.error.value).toBeNull()
    view.unmount()
    expect(activeJobFollowers()).toBe(0)
  })
})
