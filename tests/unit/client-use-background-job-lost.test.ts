/**
 * `lost` says the server no longer has the job (404), and docs/client.md tells the app to show it
 * as lost "and offer a retry". A `refresh()` that then reads the job (the server answers again:
 * the right user signed back in, a store that answered 404 for a moment) means the job is not
 * lost: `lost` goes back to false and `connect()` follows the job again.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useBackgroundJob } from '../../app/composables/useBackgroundJob'
import { createJobState } from '../../shared/reducer'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let app: ComposableApp
let found = true

beforeEach(() => {
  vi.useFakeTimers()
  found = true
  app = createComposableApp(async () => {
    if (!found) throw Object.assign(new Error('[GET] "/api/jobs/j1": 404 Not Found'), { statusCode: 404, data: { statusCode: 404, message: 'Job not found' } })
    return { state: { ...createJobState({ id: 'j1', type: 'chat', createdAt: 0 }), status: 'running', seq: 6, content: 'back again' } }
  })
})

afterEach(() => {
  app.dispose()
  vi.useRealTimers()
})

describe('useBackgroundJob: a job reported lost that the server has again', () => {
  it('refresh() that reads it clears `lost`, and connect() follows it again after its seq', async () => {
    const view = app.mount(() => useBackgroundJob('j1'))
    const first = app.sources[0]!
    first.open()
    first.emit('snapshot', { ...createJobState({ id: 'j1', type: 'chat', createdAt: 0 }), status: 'running', seq: 2, content: 'back' }, '2')
    found = false
    first.fail()
    await vi.runOnlyPendingTimersAsync()
    expect(view.result.lost.value).toBe(true)
    expect(app.openSources()).toHaveLength(0)

    found = true
    await view.result.refresh()
    expect(view.result.text.value).toBe('back again')
    expect(view.result.error.value).toBeNull()
    expect(view.result.lost.value).toBe(false)
    view.result.connect()
    expect(app.openSources().map(source => source.url)).toEqual(['/api/jobs/j1/stream?after=6'])
  })
})
