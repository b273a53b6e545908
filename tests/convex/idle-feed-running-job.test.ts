/**
 * Retention deletes the feed document of a user with no reported change for the retention period
 * (cleanup.ts). A user whose job has been running that long without a status change still has a
 * feed open: without the document, `lastChangedAt` falls back to the user's top job document by
 * `changedAt` — the running job, patched by every append — and every instance's feed subscription
 * of that user re-ran on each append (the very read the document exists to avoid).
 */
import { describe, expect, it, vi } from 'vitest'
import { internal } from '../../convex/_generated/api'
import { userChanges } from '../../convex/feed'
import { createBackend, createInstance, endEvent, newJob, statusEvent, TEST_SECRET, textDeltas, type Backend } from './backend'

/** The tables `feed:userChanges` reads for these arguments (run on a database that records them). */
async function tablesRead(backend: Backend, args: Record<string, unknown>): Promise<{ tables: string[], result: { lastChangedAt: number } }> {
  const handler = (userChanges as unknown as { _handler: (ctx: unknown, args: unknown) => Promise<{ lastChangedAt: number }> })._handler
  const tables: string[] = []
  const result = await backend.run(async (ctx) => {
    const db = new Proxy(ctx.db, {
      get(target, property) {
        const value = Reflect.get(target, property) as unknown
        if (property === 'query') return (table: string) => (tables.push(table), (value as (table: string) => unknown).call(target, table))
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value
      },
    })
    return await handler({ ...ctx, db }, { ...args, secret: TEST_SECRET })
  })
  return { tables: [...new Set(tables)].sort(), result }
}

describe('retention and a job running longer than the retention period', () => {
  it('keeps the feed document of a user whose job is still running: the feed subscription still reads no job document', async () => {
    vi.useFakeTimers({ now: 1_000_000, toFake: ['Date'] })
    try {
      const backend = createBackend()
      const { provider } = createInstance(backend)
      const job = newJob({ userId: 'long-runner' })
      await provider.create(job)
      await provider.appendEvents(job.id, [statusEvent(1, 'running')], { epoch: 1 })

      // Two minutes of streaming text (no status change), past a one-minute retention.
      vi.setSystemTime(1_000_000 + 120_000)
      await provider.appendEvents(job.id, textDeltas(2, ['still going']), { epoch: 1 })
      await backend.mutation(internal.cleanup.deleteExpiredJobs, { retentionMs: 60_000 })
      expect(await provider.get(job.id)).not.toBeNull()
      // Kept, and out of the idle range: the next runs do not read it again before the rest.
      const idleFeeds = await backend.run(async ctx => await ctx.db.query('userFeeds').withIndex('by_changed', q => q.lt('lastChangedAt', Date.now() - 60_000)).collect())
      expect(idleFeeds).toEqual([])

      const head = (await tablesRead(backend, { userId: job.userId, withoutRequests: true })).result
      const idle = await tablesRead(backend, { userId: job.userId, afterChangedAt: head.lastChangedAt, withoutRequests: true })
      expect(idle.tables).toEqual(['userFeeds'])

      // Its end is still reported after the cursor.
      await provider.appendEvents(job.id, [endEvent(3, 'completed', 1_120_000)], { epoch: 1 })
      const after = (await tablesRead(backend, { userId: job.userId, afterChangedAt: head.lastChangedAt, withoutRequests: true })).result as unknown as { changes: Array<{ record: { status: string } }> }
      expect(after.changes.map(change => change.record.status)).toEqual(['completed'])
      await provider.dispose()
    }
    finally {
      vi.useRealTimers()
    }
  })
})
