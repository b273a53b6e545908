/**
 * Retention: deletes jobs that ended before a cutoff, with their event batches and controls (and
 * rate-limit hits too old to count), in bounded
 * batches so no mutation exceeds Convex's per-transaction limits. The cron in crons.ts calls
 * `deleteExpiredJobs`, which reschedules itself while there is more to delete.
 */
import { v } from 'convex/values'
import { internal } from './_generated/api'
import type { Id } from './_generated/dataModel'
import type { MutationCtx } from './_generated/server'
import { internalMutation, mutation } from './_generated/server'
import { TERMINAL_STATUSES } from './model'

/** Finished jobs are kept this long unless `BACKGROUND_JOBS_RETENTION_MS` says otherwise (1 h). */
export const DEFAULT_RETENTION_MS = 3_600_000
/** Jobs looked at per mutation. */
const DEFAULT_JOB_LIMIT = 100
/** Event batches and controls deleted per mutation, across all its jobs. */
const ROW_DELETE_BUDGET = 2_000
/** Rate-limit hits older than this are deleted by the cron (every window is far shorter). */
const RATE_HIT_MAX_AGE_MS = 3_600_000

/** Deletes up to `limit` rate-limit hits too old to count in any window; true when more are left. */
async function deleteOldRateHits(ctx: MutationCtx, limit: number): Promise<boolean> {
  const old = await ctx.db.query('rateHits').withIndex('by_at', q => q.lt('at', Date.now() - RATE_HIT_MAX_AGE_MS)).take(limit + 1)
  for (const hit of old.slice(0, limit)) await ctx.db.delete(hit._id)
  return old.length > limit
}

/** Up to `limit` ids of the rows that belong to a job: its event batches, then its controls. */
async function jobRowIds(ctx: MutationCtx, jobId: string, limit: number): Promise<Array<Id<'eventBatches'> | Id<'controls'>>> {
  const batches = await ctx.db.query('eventBatches').withIndex('by_job_seq', q => q.eq('jobId', jobId)).take(limit)
  if (batches.length >= limit) return batches.map(batch => batch._id)
  const controls = await ctx.db.query('controls').withIndex('by_job', q => q.eq('jobId', jobId)).take(limit - batches.length)
  return [...batches.map(batch => batch._id), ...controls.map(control => control._id)]
}

/**
 * Deletes up to `jobLimit` jobs that ended before `endedBefore`. A job whose rows exceed the
 * remaining budget loses some rows now and is finished by the next call (it still matches).
 */
async function deleteEndedJobs(ctx: MutationCtx, endedBefore: number, jobLimit: number) {
  let deleted = 0
  let budget = ROW_DELETE_BUDGET
  let exhausted = false
  for (const status of TERMINAL_STATUSES) {
    if (deleted >= jobLimit || exhausted) break
    // Terminal jobs have updatedAt === endedAt, so this index range is exactly the expired ones.
    const jobs = await ctx.db.query('jobs')
      .withIndex('by_status_updated', q => q.eq('status', status).lt('updatedAt', endedBefore))
      .take(jobLimit - deleted)
    for (const job of jobs) {
      const rows = await jobRowIds(ctx, job.jobId, budget + 1)
      const deletable = rows.slice(0, budget)
      for (const id of deletable) await ctx.db.delete(id)
      budget -= deletable.length
      if (rows.length > deletable.length) {
        exhausted = true
        break
      }
      await ctx.db.delete(job._id)
      deleted++
    }
  }
  return { deleted, more: exhausted || deleted >= jobLimit }
}

/** Deletes jobs that ended before `endedBefore`, with their events and controls; returns how many. */
export const deleteExpired = mutation({
  args: { endedBefore: v.number(), limit: v.optional(v.number()) },
  returns: v.number(),
  handler: async (ctx, { endedBefore, limit }) => {
    return (await deleteEndedJobs(ctx, endedBefore, limit ?? DEFAULT_JOB_LIMIT)).deleted
  },
})

/** Reads the retention from the deployment's environment, falling back to the default. */
function retentionMs(): number {
  const configured = Number(process.env.BACKGROUND_JOBS_RETENTION_MS)
  return Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_RETENTION_MS
}

/** The cron's entry: one bounded batch, then again right away while more expired jobs remain. */
export const deleteExpiredJobs = internalMutation({
  args: { retentionMs: v.optional(v.number()) },
  returns: v.number(),
  handler: async (ctx, args) => {
    const retention = args.retentionMs ?? retentionMs()
    const { deleted, more: moreJobs } = await deleteEndedJobs(ctx, Date.now() - retention, DEFAULT_JOB_LIMIT)
    const more = await deleteOldRateHits(ctx, ROW_DELETE_BUDGET) || moreJobs
    if (more) await ctx.scheduler.runAfter(0, internal.cleanup.deleteExpiredJobs, { retentionMs: retention })
    return deleted
  },
})
