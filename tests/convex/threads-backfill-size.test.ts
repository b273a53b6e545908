/**
 * `threads:backfillThreads` after an upgrade from a version that kept each job's request inside
 * its job document: a page of those documents is bounded by bytes, not only by count, so it stays
 * under Convex's 16 MiB read per transaction (which this backend enforces).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { internal } from '../../convex/_generated/api'
import { createBackend } from './backend'

beforeEach(() => {
  vi.useFakeTimers()
  vi.setSystemTime(1_000_000)
})
afterEach(() => {
  vi.useRealTimers()
})

describe('convex threads backfill', () => {
  it('reads jobs of an older version (request inside, 200 KB each) in pages under the read limit', async () => {
    const backend = createBackend()
    // 150 such jobs: 30 MB, fewer than one default page (200) of the backfill.
    const requestJson = JSON.stringify({ type: 'chat', messages: [{ role: 'user', content: 'x'.repeat(200_000) }] })
    // Inserted a few per transaction: the backend counts what each one writes too.
    for (let index = 0; index < 150; index++) {
      await backend.run(async (ctx) => {
        await ctx.db.insert('jobs', {
          jobId: `old-${index}`, userId: 'user-1', type: 'chat', status: 'completed', threadId: `thread-${index % 30}`,
          messageId: null, idempotencyKey: null, title: 'old', requestJson, createdAt: 10_000 + index,
          updatedAt: 20_000, endedAt: 20_000, lastSeq: 1,
        })
      })
    }

    await backend.mutation(internal.threads.backfillThreads, {})
    await backend.finishAllScheduledFunctions(vi.runAllTimers)

    const rows = await backend.run(ctx => ctx.db.query('threads').collect())
    expect(rows.length).toBe(30)
    expect(rows.find(row => row.threadId === 'thread-0')?.newestAt).toBe(10_000 + 120)
  })
})
