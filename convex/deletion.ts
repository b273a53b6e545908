/**
 * Deleting one finished job on request (a user deleting a conversation): the same rows retention
 * deletes (cleanup.ts), at once. Behind the servers' secret like every public function. A job
 * with more rows than one transaction may delete loses some of them and answers `more`: the
 * server calls again until it answers `deleted` (the job document goes last, so it still matches).
 * The last call leaves a `jobDeletions` record for the user's notification feed.
 */
import { v } from 'convex/values'
import { serverMutation } from './access'
import type { Budget } from './cleanup'
import { charge, deleteJobRows } from './cleanup'
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
    // What the user's notification feed reports in its place (feed.ts): instances with the
    // user's stream open tell it the job is gone.
    await ctx.db.insert('jobDeletions', { userId: job.userId, jobId, threadId: job.threadId, changedAt: await nextChangedAt(ctx.db, job.userId) })
    return 'deleted'
  },
})
