import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { internal } from '../../convex/_generated/api'
import crons from '../../convex/crons'
import { CLEANUP_ROWS } from '../../convex/limits'
import { type Backend, createBackend, createInstance, createLargeEndedJob, endEvent, newJob, textDeltas } from './backend'

/** The cron's cleanup mutation, which no server can call. */
function deleteExpired(backend: Backend, endedBefore: number, limit?: number) {
  return backend.mutation(internal.cleanup.deleteExpired, { endedBefore, limit })
}

describe('convex retention cleanup', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(10_000_000)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('deletes jobs that ended before the cutoff, with their event batches, at most `limit` at a time', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const jobs = [newJob(), newJob(), newJob(), newJob()]
    for (const job of jobs) await provider.create(job)
    await provider.appendEvents(jobs[0]!.id, [...textDeltas(1, ['a', 'b']), endEvent(3, 'completed', 1_000)], { epoch: 1 })
    await provider.appendEvents(jobs[1]!.id, [endEvent(1, 'aborted', 2_000)], { epoch: 1 })
    await provider.appendEvents(jobs[2]!.id, [endEvent(1, 'failed', 9_000)], { epoch: 1 })
    await provider.appendEvents(jobs[3]!.id, textDeltas(1, ['still running']), { epoch: 1 })

    expect(await deleteExpired(backend, 5_000, 1)).toBe(1)
    expect(await deleteExpired(backend, 5_000)).toBe(1)
    expect(await deleteExpired(backend, 5_000)).toBe(0)
    for (const [index, exists] of [false, false, true, true].entries()) {
      expect(await provider.get(jobs[index]!.id) !== null).toBe(exists)
    }
    const batchJobIds = (await backend.run(ctx => ctx.db.query('eventBatches').collect())).map(batch => batch.jobId)
    expect(batchJobIds.sort()).toEqual([jobs[2]!.id, jobs[3]!.id].sort())
    // Their requests go with them.
    const requestJobIds = (await backend.run(ctx => ctx.db.query('jobRequests').collect())).map(request => request.jobId)
    expect(requestJobIds.sort()).toEqual([jobs[2]!.id, jobs[3]!.id].sort())
  })

  it('deletes the controls of a deleted job, and only those', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const [ended, running] = [newJob(), newJob()]
    for (const job of [ended, running]) {
      await provider.create(job)
      await provider.sendControl(job.id, { type: 'input', userId: job.userId, requestId: 'r', answer: 'yes' })
    }
    await provider.appendEvents(ended.id, [endEvent(1, 'aborted', 1_000)], { epoch: 1 })
    await provider.sendControl(ended.id, { type: 'abort', userId: ended.userId })

    expect(await deleteExpired(backend, 5_000)).toBe(1)
    const controlJobIds = (await backend.run(ctx => ctx.db.query('controls').collect())).map(control => control.jobId)
    expect(controlJobIds).toEqual([running.id])
  })

  it('counts controls in the per-mutation row budget and finishes a big job in the next call', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const job = newJob()
    await provider.create(job)
    await provider.appendEvents(job.id, [endEvent(1, 'completed', 1_000)], { epoch: 1 })
    // The job, its batch and this many controls: more rows than one mutation may delete.
    await backend.run(async (ctx) => {
      for (let number = 1; number <= CLEANUP_ROWS; number++) {
        await ctx.db.insert('controls', { jobId: job.id, number, type: 'abort', userId: job.userId, sentAt: 1_000 })
      }
    })
    const count = (table: 'controls' | 'eventBatches') => backend.run(async ctx => (await ctx.db.query(table).collect()).length)

    expect(await deleteExpired(backend, 5_000)).toBe(0)
    expect(await count('eventBatches') + await count('controls')).toBeGreaterThan(0)
    expect(await provider.get(job.id)).not.toBeNull()
    expect(await deleteExpired(backend, 5_000)).toBe(1)
    expect(await count('controls')).toBe(0)
    expect(await provider.get(job.id)).toBeNull()
  })

  it('stays under the bytes a mutation may read: a job with 18 MB of events is deleted over several calls', async () => {
    // The backend enforces Convex's per-transaction limits (16 MiB read), so one call reading it all would throw.
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const job = await createLargeEndedJob(provider)
    const deletedPerCall: number[] = []
    for (let call = 0; call < 10 && await provider.get(job.id); call++) deletedPerCall.push(await deleteExpired(backend, 5_000))
    expect(deletedPerCall.length).toBeGreaterThan(2)
    expect(deletedPerCall.at(-1)).toBe(1)
    expect(await backend.run(ctx => ctx.db.query('eventBatches').collect())).toEqual([])
  })

  it('runs from the cron in bounded batches, rescheduling itself until nothing expired is left', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const jobCount = 130
    for (let index = 0; index < jobCount; index++) {
      const job = newJob()
      await provider.create(job)
      await provider.appendEvents(job.id, [endEvent(1, 'completed', 1_000)], { epoch: 1 })
      await provider.sendControl(job.id, { type: 'abort', userId: job.userId })
    }
    const kept = newJob()
    await provider.create(kept)
    await provider.appendEvents(kept.id, [endEvent(1, 'completed', Date.now() - 60_000)], { epoch: 1 })

    // The first run deletes one bounded batch (100 jobs) and schedules the rest.
    expect(await backend.mutation(internal.cleanup.deleteExpiredJobs, { retentionMs: 3_600_000 })).toBe(100)
    await backend.finishAllScheduledFunctions(vi.runAllTimers)
    const remaining = await backend.run(ctx => ctx.db.query('jobs').collect())
    expect(remaining.map(job => job.jobId)).toEqual([kept.id])
    expect(await backend.run(ctx => ctx.db.query('controls').collect())).toEqual([])
  })

  it('a cron tick while the continuation is still scheduled starts no second chain over the same rows', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    for (let index = 0; index < 250; index++) {
      const job = newJob()
      await provider.create(job)
      await provider.appendEvents(job.id, [endEvent(1, 'completed', 1_000)], { epoch: 1 })
    }
    const pending = () => backend.run(async ctx => (await ctx.db.system.query('_scheduled_functions').collect()).filter(run => run.state.kind === 'pending').length)
    expect(await backend.mutation(internal.cleanup.deleteExpiredJobs, { retentionMs: 3_600_000 })).toBe(100)
    // The next minute's tick comes before the continuation ran (a backlog longer than a minute).
    expect(await backend.mutation(internal.cleanup.deleteExpiredJobs, { retentionMs: 3_600_000 })).toBe(0)
    expect(await pending()).toBe(1)
    await backend.finishAllScheduledFunctions(vi.runAllTimers)
    expect(await backend.run(ctx => ctx.db.query('jobs').collect())).toEqual([])
    // The chain is over: the next tick runs (and finds nothing), and nothing is left scheduled.
    expect(await backend.run(ctx => ctx.db.query('cleanupRuns').collect())).toEqual([])
    expect(await backend.mutation(internal.cleanup.deleteExpiredJobs, { retentionMs: 3_600_000 })).toBe(0)
    expect(await pending()).toBe(0)
  })

  it('registers the cleanup as a cron', () => {
    expect(Object.keys(crons.crons)).toEqual(['delete expired background jobs'])
  })
})
