/**
 * `useBackgroundJobs().listThreads`: `GET /api/jobs/threads` with `limit` and `before` as given,
 * the page as the server sent it, less a thread whose last job this tab just deleted.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { useBackgroundJobs } from '../../app/composables/useBackgroundJobs'
import type { ThreadPageAnswer } from '../../app/lib/api-types'
import { deletedJobs } from '../../app/lib/deleted-jobs'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let app: ComposableApp | null = null
afterEach(() => {
  app?.dispose()
  app = null
})

const thread = (threadId: string, lastJobId: string) => ({
  threadId,
  title: `title of ${threadId}`,
  renamed: false,
  createdAt: 1,
  lastJob: { id: lastJobId, type: 'chat' as const, status: 'completed' as const, threadId, messageId: null, title: 'last', createdAt: 2, updatedAt: 2, endedAt: 2, lastSeq: 3 },
  active: false,
  waiting: false,
})

describe('useBackgroundJobs().listThreads', () => {
  it('asks for a page with limit and before, and hands back threads and next', async () => {
    const asked: Array<{ url: string, query: unknown }> = []
    const page: ThreadPageAnswer = { threads: [thread('t-2', 'lt-2'), thread('t-1', 'lt-1')], next: 'cursor-1' }
    app = createComposableApp(async (url, options) => {
      asked.push({ url, query: (options as { query?: unknown } | undefined)?.query })
      return page
    })
    const { result } = app.mount(() => useBackgroundJobs())
    expect(await result.listThreads({ limit: 2 })).toEqual(page)
    expect(await result.listThreads({ limit: 2, before: 'cursor-1' })).toEqual(page)
    expect(await result.listThreads()).toEqual(page)
    expect(asked).toEqual([
      { url: '/api/jobs/threads', query: { limit: '2' } },
      { url: '/api/jobs/threads', query: { limit: '2', before: 'cursor-1' } },
      { url: '/api/jobs/threads', query: {} },
    ])
  })

  it('leaves out a thread whose last job this tab deleted', async () => {
    app = createComposableApp(async () => ({ threads: [thread('t-keep', 'keep-last'), thread('t-gone', 'gone-last')], next: null }))
    deletedJobs.add({ jobId: 'gone-last', threadId: 't-gone', origin: 'here' })
    const { result } = app.mount(() => useBackgroundJobs())
    expect((await result.listThreads()).threads.map(listed => listed.threadId)).toEqual(['t-keep'])
  })
})
