/**
 * threads:backfillThreads takes an operator's `pageSize` (`npx convex run threads:backfillThreads
 * '{"pageSize": …}'`): one that is no page size, or so large that a page passes Convex's 4,096
 * index ranges per mutation (each job reads its thread's row), is refused at once naming it, before
 * anything is read or scheduled; the largest allowed page stays within the limits convex-test enforces.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { internal } from '../../convex/_generated/api'
import { MAX_BACKFILL_PAGE } from '../../convex/threads'
import { createBackend } from './backend'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

type Backend = ReturnType<typeof createBackend>

/** Stores `count` jobs with a thread each and no thread rows, as before the table existed. */
async function storeJobs(backend: Backend, count: number): Promise<void> {
  await backend.run(async (ctx) => {
    for (let index = 0; index < count; index++) {
      const createdAt = 1_000 + index
      await ctx.db.insert('jobs', { jobId: `job-${index}`, userId: 'svc', type: 'workflow', status: 'completed', threadId: `t-${index}`, messageId: null, idempotencyKey: null, title: 't', createdAt, updatedAt: createdAt, endedAt: createdAt, lastSeq: 0, changedAt: createdAt })
    }
  })
}

describe('backfillThreads pageSize', () => {
  it.each([0, -1, 2.5, Number.NaN, MAX_BACKFILL_PAGE + 1, 5_000])('refuses %s naming the argument and its range, reading and scheduling nothing', async (pageSize) => {
    const backend = createBackend()
    await storeJobs(backend, 3)
    await expect(backend.mutation(internal.threads.backfillThreads, { pageSize })).rejects.toThrow(`pageSize must be a whole number from 1 to ${MAX_BACKFILL_PAGE} (leave it out for 200), got ${pageSize}`)
    expect(await backend.run(ctx => ctx.db.query('threads').collect())).toEqual([])
    expect(await backend.run(ctx => ctx.db.system.query('_scheduled_functions').collect())).toEqual([])
  })

  it('the largest page indexes within a mutation\'s limits, and the chain goes on with the same size', async () => {
    const backend = createBackend()
    await storeJobs(backend, MAX_BACKFILL_PAGE + 1)
    expect(await backend.mutation(internal.threads.backfillThreads, { pageSize: MAX_BACKFILL_PAGE })).toEqual({ indexed: MAX_BACKFILL_PAGE, done: false })
    await backend.finishAllScheduledFunctions(vi.runAllTimers)
    expect(await backend.run(async ctx => (await ctx.db.query('threads').collect()).length)).toBe(MAX_BACKFILL_PAGE + 1)
  })
})
