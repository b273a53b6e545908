/**
 * Deleting one finished job on request (a user deleting a conversation): the same rows retention
 * deletes (cleanup.ts), at once. Behind the servers' secret like every public function. A job
 * with more rows than one transaction may delete loses some of them and answers `more`: the
 * server calls again until it answers `deleted` (the job document goes last, so it still matches).
 * The last call leaves a `jobDeletions` record for the user's notification feed, as retention
 * does (cleanup.ts, `recordDeletion`). `recordLost`
 * leaves one for a job that vanished while it ran (its document deleted by hand): its owner found
 * it gone and tells the user's feeds, which could not know whose job it was.
 */
import { v } from 'convex/values'
import { serverMutation } from './access'
import type { Budget } from './cleanup'
import { charge, deleteJobRows, recordDeletion } from './cleanup'
import { CLEANUP_BYTES, CLEANUP_ROWS } from './limits'
import { findJob, isTerminal, nextChangedAt } from './model'
import { unindexThreadJob } from './threads'

/** Deletes one finished job with its rows; refuses (`active`) a job that has not ended. */
export const deleteJob = serverMutation({
  args: { jobId: v.string() },
  returns: v.union(v.literal('deleted'), v.literal('more'), v.literal('not-found'), v.literal('active')),
  handler: async (ctx, { jobId }) => {
    const job = await findJob(ctx.db, jobId)
    if (!job) return 'not-found'
    if (!isTerminal(job.status)) return 'active'
    const budget: Budget = { rows: CLEANUP_ROWS, bytes: CLEANUP_BYTES }
    charge(budget, job)
    if (!await deleteJobRows(ctx, jobId, budget)) return 'more'
    await ctx.db.delete(job._id)
    await unindexThreadJob(ctx.db, job)
    await recordDeletion(ctx, job, budget)
    return 'deleted'
  },
})

/**
 * A running job's owner found its document gone (a write or lease heartbeat answered not-found):
 * records the loss for the user's notification feed (`feed:userChanges` returns it among the
 * deletions, marked `lost`), so instances following the user tell it `job-lost`. Nothing (false)
 * when the job is there, or was deleted (its `jobDeletions` record: an owner cut off from the
 * deployment while another instance finished the job and its user deleted it — not a loss).
 */
export const recordLost = serverMutation({
  args: { userId: v.string(), jobId: v.string(), threadId: v.union(v.string(), v.null()) },
  returns: v.boolean(),
  handler: async (ctx, { userId, jobId, threadId }) => {
    if (await findJob(ctx.db, jobId)) return false
    const gone = await ctx.db.query('jobDeletions').withIndex('by_job', q => q.eq('jobId', jobId)).first()
    if (gone) return false
    await ctx.db.insert('jobDeletions', { userId, jobId, threadId, changedAt: await nextChangedAt(ctx.db, userId), lost: true })
    return true
  },
})
