/**
 * threads:listThreads within Convex's transaction limits (convex-test enforces them): a thread's
 * active jobs are read through the thread's own index (never every active job of the user) and
 * their records count in the page's byte budget, so a page ends early with a cursor instead of
 * failing.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { api } from '../../convex/_generated/api'
import { shardOf } from '../../convex/activeCount'
import { createBackend, createInstance, newJob, TEST_SECRET } from './backend'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('listThreads and the read limits', () => {
  it('a user with 4,200 active jobs (limit raised): a page of one thread reads that thread\'s jobs only', async () => {
    const backend = createBackend()
    for (let chunk = 0; chunk < 4_200; chunk += 1_000) await backend.run(async (ctx) => {
      for (let index = chunk; index < Math.min(chunk + 1_000, 4_200); index++) {
        const jobId = `job-${index}`
        await ctx.db.insert('jobs', { jobId, userId: 'svc', type: 'workflow', status: 'queued', threadId: `t-${index}`, messageId: null, idempotencyKey: null, title: 't', createdAt: 1_000 + index, updatedAt: 1_000 + index, endedAt: null, lastSeq: 0, changedAt: 1_000 + index })
        await ctx.db.insert('jobRequests', { jobId, requestJson: '{}' })
        await ctx.db.insert('activeJobs', { jobId, userId: 'svc', shard: shardOf(jobId) })
        await ctx.db.insert('threads', { userId: 'svc', threadId: `t-${index}`, newestAt: 1_000 + index })
      }
    })
    const page = await backend.query(api.threads.listThreads, { secret: TEST_SECRET, userId: 'svc', limit: 1, byId: true })
    expect(page.threads.map(thread => [thread.threadId, thread.activeIds])).toEqual([['t-4199', ['job-4199']]])
    expect(page.next).not.toBeNull()
  }, 300_000)

  it('a thread\'s active jobs count in the page\'s byte budget: 10 active jobs with ~1 MB requests and older threads fit the read limit', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const big = 'y'.repeat(990_000)
    // Older threads, one finished-size job each, ~990 KB requests (the page budget reads up to 4 MB + one thread of them).
    for (let index = 0; index < 6; index++) {
      await provider.create(newJob({ threadId: `old-${index}`, createdAt: 10_000 + index, request: { type: 'chat', messages: [{ role: 'user', content: big }] } }), { maxActivePerUser: 100 })
    }
    for (let index = 0; index < 10; index++) {
      await provider.create(newJob({ threadId: 'now', createdAt: 40_000 + index, request: { type: 'chat', messages: [{ role: 'user', content: big }] } }), { maxActivePerUser: 100 })
    }
    // The newest thread and its 10 active records fill the budget: the page ends there, with a cursor.
    const page = await backend.query(api.threads.listThreads, { secret: TEST_SECRET, userId: 'user-1', limit: 10, byId: true })
    expect(page.threads.map(thread => [thread.threadId, thread.activeIds.length])).toEqual([['now', 10]])
    expect(page.next).not.toBeNull()
  }, 120_000)
})
