/**
 * The retention cron records each job it deletes for the user's notification feed, as
 * `deletion:deleteJob` does (`jobDeletions`, cleanup.ts `recordDeletion`): every instance
 * following the user reports it (`onDeleted`, which the engine turns into `job-deleted`), in
 * order among the user's changes, and a feed that starts afterwards for a stream resuming from
 * before it reads it too. Before, the cron deleted the job and left no record: no instance told
 * any stream, and a tab kept showing the thread until a reload.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { internal } from '../../convex/_generated/api'
import { createBackend, createInstance, endEvent, newJob, statusEvent } from './backend'

const RETENTION_MS = 60_000
const START_MS = 1_000_000

describe('retention and the user feed (convex)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: START_MS, toFake: ['Date'] })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a job the cron deletes comes to every feed of its user as onDeleted, and to one resuming from before it', async () => {
    const backend = createBackend()
    const a = createInstance(backend)
    const b = createInstance(backend)
    const { record: expired } = await a.provider.create(newJob({ userId: 'u1', threadId: 't1' }))
    await a.provider.appendEvents(expired.id, [endEvent(1, 'completed', START_MS)], { epoch: 1 })
    vi.setSystemTime(START_MS + 30_000)
    const { record: kept } = await a.provider.create(newJob({ userId: 'u1', threadId: 't2' }))
    await a.provider.appendEvents(kept.id, [endEvent(1, 'completed', START_MS + 30_000)], { epoch: 1 })
    const { record: running } = await a.provider.create(newJob({ userId: 'u1' }))

    vi.setSystemTime(START_MS + 40_000)
    const seen: string[] = []
    const stop = b.provider.subscribeUserJobs('u1', records => seen.push(...records.map(item => `${item.id}:${item.status}`)), {
      onDeleted: jobId => seen.push(`${jobId}:deleted`),
    })
    await b.facade.settled()

    vi.setSystemTime(START_MS + RETENTION_MS + 10_000)
    expect(await backend.mutation(internal.cleanup.deleteExpiredJobs, { retentionMs: RETENTION_MS })).toBe(1)
    // Convex re-runs the subscriptions after the cron's commit; the test facades after their own.
    await b.facade.refresh()
    await a.provider.appendEvents(running.id, [statusEvent(1, 'running')], { epoch: 1 })
    await b.facade.settled()
    // Before: [`${running.id}:running`] only.
    expect(seen).toEqual([`${expired.id}:deleted`, `${running.id}:running`])
    stop()

    // A stream resuming from before the cron ran (its feed starts from that position).
    const resumed: string[] = []
    const stopResumed = b.provider.subscribeUserJobs('u1', () => {}, { since: START_MS + 40_000, onDeleted: jobId => resumed.push(jobId) })
    await b.facade.settled()
    expect(resumed).toEqual([expired.id])
    expect(await a.provider.get(kept.id)).not.toBeNull()
    stopResumed()
    await Promise.all([a.provider.dispose(), b.provider.dispose()])
  })
})
