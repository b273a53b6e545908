/**
 * threads:listThreads keeps to Convex's 4,096 index ranges per query (each `db.query` is one;
 * convex-test enforces it): every listed record costs a few (its listed request, its request, its
 * lease), and a page of 100 threads with a dozen small active jobs each passed it long before the
 * byte budget, so a user with many jobs running (a raised `maxConcurrentJobsPerUser`) could not list
 * threads at all. The backend here lowers the limit to 3,100 index ranges (below Convex's 4,096, so a
 * page within it is within the real one), so 10 jobs per thread pass it without the page's budget.
 */
import { describe, expect, it } from 'vitest'
import { api } from '../../convex/_generated/api'
import { shardOf } from '../../convex/activeCount'
import { THREAD_PAGE_QUERIES } from '../../convex/limits'
import { createBackend, TEST_SECRET } from './backend'

const THREADS = 100
const ACTIVE_PER_THREAD = 10
/**
 * The index ranges one call may read here: the page's budget plus a little (the page ends just past
 * it: a thread's 5 and one record's 3). A page that reads all 100 threads reads 3,501 (each 5 + 3 per
 * job); each db.query of convex-test scans every stored document, so fewer documents make this quick.
 */
const QUERY_LIMIT = 3_100

describe('listThreads and the index ranges of one query', () => {
  it('100 threads of 10 small active jobs each: pages within the limit that together list every thread', async () => {
    expect(THREAD_PAGE_QUERIES).toBeLessThan(QUERY_LIMIT)
    const backend = createBackend({ databaseQueries: QUERY_LIMIT })
    await backend.run(async (ctx) => {
      for (let thread = 0; thread < THREADS; thread++) {
        for (let index = 0; index < ACTIVE_PER_THREAD; index++) {
          const jobId = `job-${thread}-${index}`
          const createdAt = 1_000 + thread * 100 + index
          await ctx.db.insert('jobs', { jobId, userId: 'svc', type: 'workflow', status: 'running', threadId: `t-${thread}`, messageId: null, idempotencyKey: null, title: 't', createdAt, updatedAt: createdAt, endedAt: null, lastSeq: 0, changedAt: createdAt })
          await ctx.db.insert('jobRequests', { jobId, requestJson: '{"type":"workflow","workflow":"w"}' })
          await ctx.db.insert('activeJobs', { jobId, userId: 'svc', shard: shardOf(jobId) })
        }
        await ctx.db.insert('threads', { userId: 'svc', threadId: `t-${thread}`, newestAt: 1_000 + thread * 100 + ACTIVE_PER_THREAD - 1 })
      }
    })
    const listed: string[] = []
    let before: { newestAt: number, threadId: string } | null = null
    for (let pages = 0; pages < 10; pages++) {
      const page: { threads: Array<{ threadId: string, activeIds: string[] }>, next: { newestAt: number, threadId: string } | null } = await backend.query(api.threads.listThreads, { secret: TEST_SECRET, userId: 'svc', limit: 100, before, byId: true })
      for (const thread of page.threads) {
        expect(thread.activeIds).toHaveLength(ACTIVE_PER_THREAD)
        listed.push(thread.threadId)
      }
      if (!page.next) break
      before = page.next
    }
    expect(listed).toEqual(Array.from({ length: THREADS }, (_, index) => `t-${THREADS - 1 - index}`))
  }, 120_000)
})
