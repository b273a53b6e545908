/**
 * `live: false` (a static view: no stream) on a page the browser navigated to, with no state from a
 * server render: the job is read once on mount. Before, only the server's prefetch read it, so the
 * same page showed the job after a reload but `queued` and no text after a client-side navigation.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useBackgroundJob } from '../../app/composables/useBackgroundJob'
import { createJobState } from '../../shared/reducer'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let app: ComposableApp
let reads: string[]

const job = (id: string) => ({ ...createJobState({ id, type: 'chat', createdAt: 0 }), status: 'completed' as const, seq: 3, content: `text of ${id}` })

beforeEach(() => {
  vi.useFakeTimers()
  reads = []
  app = createComposableApp(async (url) => {
    reads.push(url)
    if (url.endsWith('/gone')) throw Object.assign(new Error('[GET] 404'), { statusCode: 404, data: { statusCode: 404, message: 'Job not found' } })
    return { state: job(url.split('/').pop()!) }
  })
})

afterEach(() => {
  app.dispose()
  vi.useRealTimers()
})

describe('useBackgroundJob with `live: false` after a client-side navigation', () => {
  it('reads the job once on mount and shows it, with no stream', async () => {
    const view = app.mount(() => useBackgroundJob('s1', { live: false }))
    await vi.runAllTimersAsync()
    expect(view.result.text.value).toBe('text of s1')
    expect(view.result.status.value).toBe('completed')
    expect(reads).toEqual(['/api/jobs/s1'])
    expect(app.sources).toHaveLength(0)
  })

  it('a job the server does not have is `lost`, not an empty `queued` one', async () => {
    const view = app.mount(() => useBackgroundJob('gone', { live: false }))
    await vi.runAllTimersAsync()
    expect(view.result.lost.value).toBe(true)
  })

  it('reads nothing when the state is already there (hydration, `initialState`)', async () => {
    app.mount(() => useBackgroundJob('s2', { live: false, initialState: job('s2') }))
    await vi.runAllTimersAsync()
    expect(reads).toEqual([])
  })
})

describe('useBackgroundJob with `live: false` beside a component that follows the job', () => {
  it('leaves the read to the stream that brings the state', async () => {
    app.mount(() => useBackgroundJob('s3'))
    const view = app.mount(() => useBackgroundJob('s3', { live: false }))
    app.sources[0]!.emit('snapshot', job('s3'), '3')
    await vi.runAllTimersAsync()
    expect(view.result.text.value).toBe('text of s3')
    expect(reads).toEqual([])
  })
})
