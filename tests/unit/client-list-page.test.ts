/**
 * `useBackgroundJobs().listPage`: sends the filters and `before`, returns the page's jobs and its
 * `next`; `list` still returns only the jobs of the newest page.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { useBackgroundJobs } from '../../app/composables/useBackgroundJobs'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let app: ComposableApp | null = null
afterEach(() => {
  app?.dispose()
  app = null
})

const summary = (id: string) => ({ id, type: 'chat', status: 'completed', threadId: 't', messageId: null, title: id, createdAt: 1, updatedAt: 1, endedAt: 1, lastSeq: 3 })

describe('useBackgroundJobs().listPage', () => {
  it('asks for the page after `before` and hands back its `next`', async () => {
    const asked: unknown[] = []
    app = createComposableApp(async (_url, options) => {
      const query = (options as { query: Record<string, string> }).query
      asked.push(query)
      return query.before ? { jobs: [summary('old')], next: null } : { jobs: [summary('new')], next: 'cursor-1' }
    })
    const { result } = app.mount(() => useBackgroundJobs())
    const first = await result.listPage({ threadId: 't', limit: 1 })
    expect(first).toEqual({ jobs: [summary('new')], next: 'cursor-1' })
    const second = await result.listPage({ threadId: 't', limit: 1, before: first.next! })
    expect(second).toEqual({ jobs: [summary('old')], next: null })
    expect(asked).toEqual([{ threadId: 't', limit: '1' }, { threadId: 't', limit: '1', before: 'cursor-1' }])
    expect((await result.list({ threadId: 't' })).map(job => job.id)).toEqual(['new'])
  })
})
