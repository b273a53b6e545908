/**
 * A backlog of expired jobs is deleted by a chain of cleanup runs (one bounded batch each, the next
 * scheduled right away), which can outlast the cron's minute. `BACKGROUND_JOBS_RETENTION_MS`
 * changed while the chain runs (an operator raising a retention that was too short, the usual
 * reason for a backlog) must apply to the chain's next run: the chain carried the value it started
 * with, and went on deleting jobs the new retention keeps until the backlog was gone.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { internal } from '../../convex/_generated/api'
import { type Backend, createBackend } from './backend'

const HOUR = 3_600_000

/** 150 chat jobs that ended two hours ago, stored as `create` and the ending append leave them: more than one run deletes (100). */
async function jobsEndedTwoHoursAgo(backend: Backend) {
  const endedAt = Date.now() - 2 * HOUR
  await backend.run(async (ctx) => {
    for (let index = 0; index < 150; index++) {
      const jobId = `job-${index}`
      await ctx.db.insert('jobs', { jobId, userId: 'user-1', type: 'chat', status: 'completed', threadId: null, messageId: null, idempotencyKey: null, title: 'hello', createdAt: endedAt - 1_000, updatedAt: endedAt, endedAt, lastSeq: 1 })
      await ctx.db.insert('jobRequests', { jobId, requestJson: JSON.stringify({ type: 'chat', messages: [{ role: 'user', content: 'hello' }] }) })
    }
  })
}

describe('retention changed while a cleanup chain runs', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(100 * HOUR)
  })
  afterEach(() => {
    vi.unstubAllEnvs()
    vi.useRealTimers()
  })

  it('the chain\'s next run reads the new retention', async () => {
    vi.stubEnv('BACKGROUND_JOBS_RETENTION_MS', String(HOUR))
    const backend = createBackend()
    await jobsEndedTwoHoursAgo(backend)
    // The cron's tick: one batch, the rest scheduled.
    expect(await backend.mutation(internal.cleanup.deleteExpiredJobs, {})).toBe(100)

    // Kept for a day from now on.
    vi.stubEnv('BACKGROUND_JOBS_RETENTION_MS', String(24 * HOUR))
    await backend.finishAllScheduledFunctions(vi.runAllTimers)
    expect(await backend.run(async ctx => (await ctx.db.query('jobs').collect()).length)).toBe(50)
  })

  it('a retention given to a run (tests, a manual run) still goes on with its chain', async () => {
    const backend = createBackend()
    await jobsEndedTwoHoursAgo(backend)
    vi.stubEnv('BACKGROUND_JOBS_RETENTION_MS', String(24 * HOUR))
    expect(await backend.mutation(internal.cleanup.deleteExpiredJobs, { retentionMs: HOUR })).toBe(100)
    await backend.finishAllScheduledFunctions(vi.runAllTimers)
    expect(await backend.run(async ctx => (await ctx.db.query('jobs').collect()).length)).toBe(0)
  })
})
