/**
 * `useBackgroundJob` after the server refused (401: signed out): `error` says so while the follower
 * stays stopped. Once `connect()` follows the job again (the user signed in again, a Retry button),
 * that message no longer holds — it comes back if the server refuses again. A stream resumed with
 * `?after=` brings the missed events, not a snapshot, so nothing else clears it: the page said
 * "You are signed out" beside an answer streaming in.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useBackgroundJob } from '../../app/composables/useBackgroundJob'
import { createJobState } from '../../shared/reducer'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let app: ComposableApp
let signedIn: boolean

const running = { ...createJobState({ id: 'd1', type: 'chat', createdAt: 0 }), status: 'running' as const, seq: 3, content: 'abc' }

beforeEach(() => {
  vi.useFakeTimers()
  signedIn = false
  app = createComposableApp(async () => {
    if (!signedIn) throw Object.assign(new Error('[GET] 401'), { statusCode: 401, data: { statusCode: 401, message: 'Unauthorized' } })
    return { state: running }
  })
})

afterEach(() => {
  app.dispose()
  vi.useRealTimers()
})

describe('useBackgroundJob: following again after a refusal', () => {
  it('connect() clears the refusal\'s message; a second refusal brings it back', async () => {
    const view = app.mount(() => useBackgroundJob('d1', { initialState: running }))
    app.sources[0]!.open()
    app.sources[0]!.fail()
    await vi.runAllTimersAsync()
    expect(view.result.connection.value).toBe('denied')
    expect(view.result.error.value).toMatch(/signed out/)

    signedIn = true
    view.result.connect()
    expect(app.sources).toHaveLength(2)
    expect(app.sources[1]!.url).toBe('/api/jobs/d1/stream?after=3')
    app.sources[1]!.open()
    app.sources[1]!.emit('text-delta', [3, 'd'], '4')
    expect(view.result.text.value).toBe('abcd')
    expect(view.result.connection.value).toBe('open')
    expect(view.result.error.value).toBeNull()

    signedIn = false
    app.sources[1]!.fail()
    await vi.runAllTimersAsync()
    expect(view.result.connection.value).toBe('denied')
    expect(view.result.error.value).toMatch(/signed out/)
  })

  it('a refresh() that reads the job keeps the refusal\'s message while the follower stays stopped', async () => {
    const view = app.mount(() => useBackgroundJob('d1', { initialState: running }))
    app.sources[0]!.open()
    app.sources[0]!.fail()
    await vi.runAllTimersAsync()
    expect(view.result.connection.value).toBe('denied')
    const refusal = view.result.error.value
    expect(refusal).toMatch(/signed out/)

    // The read succeeds (e.g. a cookie came back), but nothing follows the job: live updates are
    // still stopped, and `connection` still says `denied`.
    signedIn = true
    await view.result.refresh()
    expect(app.openSources()).toHaveLength(0)
    expect(view.result.connection.value).toBe('denied')
    expect(view.result.error.value).toBe(refusal)

    // Following again clears it, as before.
    view.result.connect()
    app.sources[1]!.open()
    expect(view.result.error.value).toBeNull()
  })
})
