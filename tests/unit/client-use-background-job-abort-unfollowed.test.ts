/**
 * `useBackgroundJob().abort()` on a job no stream follows in this tab (`live: false`, or a
 * follower that gave up or was refused): no `job-end` comes, so the view kept showing the job
 * running — its Stop button up — after the server had stopped it (the abort route answers once the
 * aborted end is stored). The job is read once after the abort went through; a followed job's
 * stream brings the end instead.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useBackgroundJob } from '../../app/composables/useBackgroundJob'
import { createJobState } from '../../shared/reducer'
import type { JobState } from '../../shared/reducer'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let app: ComposableApp
const asked: string[] = []

const running: JobState = { ...createJobState({ id: 'j1', type: 'chat', createdAt: 0 }), status: 'running', seq: 3, content: 'abc' }
const aborted: JobState = { ...running, status: 'aborted', seq: 4 }
const summary = { id: 'j1', type: 'chat', status: 'aborted', threadId: null, messageId: null, title: 'j1', createdAt: 0, updatedAt: 4, endedAt: 4, lastSeq: 4 }

beforeEach(() => {
  vi.useFakeTimers()
  asked.length = 0
  app = createComposableApp(async (url, options) => {
    const method = (options as { method?: string } | undefined)?.method ?? 'GET'
    asked.push(`${method} ${url}`)
    return method === 'POST' ? { job: summary } : { state: aborted }
  })
})

afterEach(() => {
  app.dispose()
  vi.useRealTimers()
})

describe('useBackgroundJob: abort() on a job no stream follows', () => {
  it('live: false — the job shows stopped once the abort went through', async () => {
    const view = app.mount(() => useBackgroundJob('j1', { live: false, initialState: running })).result
    expect(await view.abort()).toEqual(summary)
    expect(view.status.value).toBe('aborted')
    expect(view.text.value).toBe('abc')
    expect(asked).toEqual(['POST /api/jobs/j1/abort', 'GET /api/jobs/j1'])
  })

  it('a followed job is not read again: its stream brings the end', async () => {
    const view = app.mount(() => useBackgroundJob('j1', { initialState: running })).result
    app.sources[0]!.open()
    await view.abort()
    expect(asked).toEqual(['POST /api/jobs/j1/abort'])
  })
})
