/**
 * The Convex `threads` table beyond the contract: the paged backfill that gives jobs stored
 * before the table existed their thread rows.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { internal } from '../../convex/_generated/api'
import { createBackend, createInstance, newJob } from './backend'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('convex threads', () => {
  it('backfillThreads gives every stored thread its row, a page per mutation, and running it again changes nothing', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const threadIds = ['alpha', 'beta', 'gamma', null, 'alpha', 'beta', 'alpha']
    const jobs = []
    for (const [index, threadId] of threadIds.entries()) {
      const job = newJob({ threadId, createdAt: 10_000 + index })
      await provider.create(job)
      jobs.push(job)
    }
    // As before the table existed: no thread rows.
    await backend.run(async (ctx) => {
      for (const row of await ctx.db.query('threads').collect()) await ctx.db.delete(row._id)
    })
    expect((await provider.listThreads({ userId: 'user-1', limit: 10 })).threads).toEqual([])

    expect(await backend.mutation(internal.threads.backfillThreads, { pageSize: 2 })).toEqual({ indexed: 2, done: false })
    await backend.finishAllScheduledFunctions(vi.runAllTimers)
    const listed = async () => (await provider.listThreads({ userId: 'user-1', limit: 10 })).threads.map(thread => [thread.threadId, thread.first.id, thread.last.id])
    const expected = [['alpha', jobs[0]!.id, jobs[6]!.id], ['beta', jobs[1]!.id, jobs[5]!.id], ['gamma', jobs[2]!.id, jobs[2]!.id]]
    expect(await listed()).toEqual(expected)
    const rows = async () => (await backend.run(ctx => ctx.db.query('threads').collect())).map(({ threadId, newestAt }) => [threadId, newestAt]).sort()
    expect(await rows()).toEqual([['alpha', 10_006], ['beta', 10_005], ['gamma', 10_002]])

    expect(await backend.mutation(internal.threads.backfillThreads, {})).toEqual({ indexed: 6, done: true })
    expect(await rows()).toEqual([['alpha', 10_006], ['beta', 10_005], ['gamma', 10_002]])
    expect(await listed()).toEqual(expected)
  })
})
