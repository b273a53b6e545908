/**
 * `useBackgroundJobs().listPage`: sends the filters and `before`, returns the page's jobs and its
 * `next`; `list` still returns only the jobs of the newest page.
 */
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest'
import type { JobPageQuery } from '../../app/composables/useBackgroundJobs'
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

  it('pages through every job with `before: page.next` as it comes (string | null), as listThreads does', async () => {
    // Checked by `tsc -p tests` too: an app's loop passes `next` back without a `!` or a `?? undefined`.
    expectTypeOf<JobPageQuery['before']>().toEqualTypeOf<string | null | undefined>()
    const pages: Record<string, { jobs: ReturnType<typeof summary>[], next: string | null }> = {
      '': { jobs: [summary('c')], next: 'cursor-b' },
      'cursor-b': { jobs: [summary('b')], next: 'cursor-a' },
      'cursor-a': { jobs: [summary('a')], next: null },
    }
    app = createComposableApp(async (_url, options) => pages[(options as { query: Record<string, string> }).query.before ?? '']!)
    const { result } = app.mount(() => useBackgroundJobs())
    const seen: string[] = []
    let next: string | null = null
    do {
      const page = await result.listPage({ limit: 1, before: next })
      seen.push(...page.jobs.map(job => job.id))
      next = page.next
    } while (next !== null)
    expect(seen).toEqual(['c', 'b', 'a'])
  })
})
