/**
 * `useBackgroundJob().answer()` on a job no stream follows in this tab (`live: false`, or a
 * follower that gave up or was refused): no `input-response` comes to take the question away, so
 * the view kept asking what the server had taken — a second click got "already answered" (409).
 * The job is read once after the answer went through; a followed job's stream brings it instead.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useBackgroundJob } from '../../app/composables/useBackgroundJob'
import { createJobState } from '../../shared/reducer'
import type { JobState } from '../../shared/reducer'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let app: ComposableApp
const asked: string[] = []

const base = createJobState({ id: 'j1', type: 'workflow', createdAt: 0 })
const waiting: JobState = {
  ...base,
  status: 'waiting',
  seq: 4,
  pendingInputs: [{ requestId: 'r1', kind: 'workflow-input', prompt: 'Book it?', expiresAt: 10_000, onTimeout: 'deny', requestedAt: 1 }],
}
const answered: JobState = { ...waiting, status: 'running', seq: 5, pendingInputs: [] }

beforeEach(() => {
  vi.useFakeTimers()
  asked.length = 0
  app = createComposableApp(async (url, options) => {
    const method = (options as { method?: string } | undefined)?.method ?? 'GET'
    asked.push(`${method} ${url}`)
    return method === 'POST' ? { ok: true, stored: true } : { state: answered }
  })
})

afterEach(() => {
  app.dispose()
  vi.useRealTimers()
})

describe('useBackgroundJob: answer() on a job no stream follows', () => {
  it('live: false — the question goes once the answer went through', async () => {
    const view = app.mount(() => useBackgroundJob('j1', { live: false, initialState: waiting })).result
    expect(await view.answer('r1', { approved: true })).toEqual({ ok: true })
    expect(view.pendingInputs.value).toEqual([])
    expect(view.status.value).toBe('running')
    expect(asked).toEqual(['POST /api/jobs/j1/input', 'GET /api/jobs/j1'])
  })

  it('a followed job is not read again: its stream brings the answer', async () => {
    const view = app.mount(() => useBackgroundJob('j1', { initialState: waiting })).result
    app.sources[0]!.open()
    expect(await view.answer('r1', { approved: true })).toEqual({ ok: true })
    expect(asked).toEqual(['POST /api/jobs/j1/input'])
  })

  it('a refused answer reads nothing', async () => {
    const view = app.mount(() => useBackgroundJob('j1', { live: false, initialState: waiting })).result
    vi.stubGlobal('$fetch', async () => { throw Object.assign(new Error('409'), { statusCode: 409, data: { statusCode: 409, message: 'Already answered' } }) })
    expect(await view.answer('r1', true)).toEqual({ ok: false, status: 409, message: 'Already answered' })
    expect(asked).toEqual([])
  })
})
