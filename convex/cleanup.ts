/**
 * Retention: deletes jobs that ended before a cutoff, with their event batches and controls, each
 * recorded for the user's notification feed as a deletion request's is (`recordDeletion`) — and
 * rate-limit hits too old to count, the feed's records of jobs deleted before the cutoff, and the
 * feed documents of users with no change since it. Internal only — the cron in crons.ts runs it; no server or client can call it. Each mutation
 * stays inside Convex's per-transaction limits by counting the documents it reads and deletes
 * (rows and bytes, limits.ts) and stops when either budget is spent; `deleteExpiredJobs`
 * then reschedules itself until nothing expired is left.
 */
import { getDocumentSize, v } from 'convex/values'
import { internal } from './_generated/api'
import type { Doc, Id } from './_generated/dataModel'
import type { MutationCtx } from './_generated/server'
import { internalMutation } from './_generated/server'
import { unindexThreadJob } from './threads'
import { CLEANUP_BYTES, CLEANUP_ROWS } from './limits'
import { nextChangedAt, TERMINAL_STATUSES } from './model'
import { MAX_RATE_WINDOW_MS } from './rates'

/** Finished jobs are kept this long unless `BACKGROUND_JOBS_RETENTION_MS` says otherwise (1 h). */
export const DEFAULT_RETENTION_MS = 3_600_000
/** Jobs looked at per mutation. */
const DEFAULT_JOB_LIMIT = 100
/** Rate-limit hits older than this are deleted by the cron (`rates:take` refuses a longer window). */
const RATE_HIT_MAX_AGE_MS = MAX_RATE_WINDOW_MS

/** What one mutation may still read and delete. */
export interface Budget {
  rows: number
  bytes: number
}

/** True when the budget is used up. */
export const spent = (budget: Budget) => budget.rows <= 0 || budget.bytes <= 0

/** Counts one document read against the budget. */
export function charge(budget: Budget, doc: Doc<'jobs'> | Deletable) {
  budget.rows--
  budget.bytes -= getDocumentSize(doc)
}

type Deletable = Doc<'eventBatches' | 'controls' | 'activeJobs' | 'jobRequests' | 'listedRequests' | 'leases' | 'rateHits' | 'jobDeletions' | 'userFeeds'>

/**
 * Deletes the documents of an index range while the budget lasts; true when some are left.
 * Streamed, so only the documents taken count as read; deleted after the walk.
 */
async function deleteRange(ctx: MutationCtx, range: AsyncIterable<Deletable>, budget: Budget): Promise<boolean> {
  const doomed: Array<Id<'eventBatches' | 'controls' | 'activeJobs' | 'jobRequests' | 'listedRequests' | 'leases' | 'rateHits' | 'jobDeletions' | 'userFeeds'>> = []
  let more = false
  for await (const row of range) {
    if (spent(budget)) {
      more = true
      break
    }
    charge(budget, row)
    doomed.push(row._id)
  }
  for (const id of doomed) await ctx.db.delete(id)
  return more
}

/**
 * Deletes a job's event batches, its controls, any active-job entry, its lease, its listed request and its request, while the budget lasts.
 * True when none are left (the job document itself may go). The request goes last, in the
 * transaction that deletes the job document: a job left for a later call is still listed, and
 * every record is read with its request (without it, `request: null`, which readers threw on).
 */
export async function deleteJobRows(ctx: MutationCtx, jobId: string, budget: Budget): Promise<boolean> {
  const ranges: Array<AsyncIterable<Deletable>> = [
    ctx.db.query('eventBatches').withIndex('by_job_seq', q => q.eq('jobId', jobId)),
    ctx.db.query('controls').withIndex('by_job', q => q.eq('jobId', jobId)),
    ctx.db.query('activeJobs').withIndex('by_job', q => q.eq('jobId', jobId)),
    ctx.db.query('leases').withIndex('by_job', q => q.eq('jobId', jobId)),
    ctx.db.query('listedRequests').withIndex('by_job_id', q => q.eq('jobId', jobId)),
    // One document: once it is read, the range ends without another look at the budget.
    ctx.db.query('jobRequests').withIndex('by_job_id', q => q.eq('jobId', jobId)),
  ]
  for (const range of ranges) {
    if (await deleteRange(ctx, range, budget)) return false
  }
  return true
}

/** Rows `recordDeletion` costs a mutation's budget: the user's feed document read and written, the record written. */
const DELETION_RECORD_ROWS = 3

/**
 * What the user's notification feed reports in place of a deleted job (feed.ts): a `jobDeletions`
 * record, so instances with the user's stream open tell it the job is gone (`job-deleted`), and
 * one that starts for a stream resuming from before it reads it. Every deletion leaves one (a
 * user's request, retention); the cron deletes it once older than the retention.
 */
export async function recordDeletion(ctx: MutationCtx, job: Doc<'jobs'>, budget: Budget): Promise<void> {
  budget.rows -= DELETION_RECORD_ROWS
  await ctx.db.insert('jobDeletions', { userId: job.userId, jobId: job.jobId, threadId: job.threadId, changedAt: await nextChangedAt(ctx.db, job.userId) })
}

/** Deletes rate-limit hits too old to count in any window while the budget lasts; true when more are left. */
async function deleteOldRateHits(ctx: MutationCtx, budget: Budget): Promise<boolean> {
  return await deleteRange(ctx, ctx.db.query('rateHits').withIndex('by_at', q => q.lt('at', Date.now() - RATE_HIT_MAX_AGE_MS)), budget)
}

/** Deletes the feed's records of deleted jobs older than `before` while the budget lasts; true when more are left. */
async function deleteOldDeletions(ctx: MutationCtx, before: number, budget: Budget): Promise<boolean> {
  return await deleteRange(ctx, ctx.db.query('jobDeletions').withIndex('by_changed', q => q.lt('changedAt', before)), budget)
}

/**
 * Deletes the feed documents of users with no change since `before` while the budget lasts; true
 * when more are left. Safe: the next change of such a user is stamped with the server's time
 * (model.ts, `nextChangedAt`), which is past every value the deleted document held, so a feed
 * that read up to one never sees a smaller one later. A user with a job still active (running
 * longer than the retention period without a status change) keeps it: without it, the user's feed
 * subscriptions read the top job document instead (`lastChangedAt`) — that running job, which
 * every append patches — and re-ran on each append. Its time moves up to now instead (still at
 * least the user's latest change, which is all its readers need), so the next runs do not read it
 * again before the documents behind it.
 */
async function deleteIdleFeeds(ctx: MutationCtx, before: number, budget: Budget): Promise<boolean> {
  const doomed: Array<Id<'userFeeds'>> = []
  const kept: Array<Id<'userFeeds'>> = []
  let more = false
  for await (const feed of ctx.db.query('userFeeds').withIndex('by_changed', q => q.lt('lastChangedAt', before))) {
    if (spent(budget)) {
      more = true
      break
    }
    charge(budget, feed)
    const active = await ctx.db.query('activeJobs').withIndex('by_user', q => q.eq('userId', feed.userId)).first()
    if (!active) {
      doomed.push(feed._id)
      continue
    }
    charge(budget, active)
    kept.push(feed._id)
  }
  for (const id of doomed) await ctx.db.delete(id)
  const now = Date.now()
  for (const id of kept) await ctx.db.patch(id, { lastChangedAt: now })
  return more
}

/**
 * Deletes up to `jobLimit` jobs that ended before `endedBefore`. A job whose rows outlast the
 * budget loses some rows now and is finished by the next call (it still matches).
 */
async function deleteEndedJobs(ctx: MutationCtx, endedBefore: number, jobLimit: number) {
  let deleted = 0
  const budget: Budget = { rows: CLEANUP_ROWS, bytes: CLEANUP_BYTES }
  for (const status of TERMINAL_STATUSES) {
    // Terminal jobs have updatedAt === endedAt, so this index range is exactly the expired ones.
    const range = ctx.db.query('jobs').withIndex('by_status_updated', q => q.eq('status', status).lt('updatedAt', endedBefore))
    for await (const job of range) {
      if (deleted >= jobLimit || spent(budget)) break
      charge(budget, job)
      if (!await deleteJobRows(ctx, job.jobId, budget)) break
      await ctx.db.delete(job._id)
      await unindexThreadJob(ctx.db, job)
      // Told as a user's deletion is: before, retention told no stream (deletion.ts).
      await recordDeletion(ctx, job, budget)
      deleted++
    }
    if (deleted >= jobLimit || spent(budget)) break
  }
  return { deleted, more: deleted >= jobLimit || spent(budget), budget }
}

/**
 * Deletes jobs that ended before `endedBefore`, with their events and controls; returns how
 * many. Internal: for the cron's own use and for tests.
 */
export const deleteExpired = internalMutation({
  args: { endedBefore: v.number(), limit: v.optional(v.number()) },
  returns: v.number(),
  handler: async (ctx, { endedBefore, limit }) => {
    return (await deleteEndedJobs(ctx, endedBefore, limit ?? DEFAULT_JOB_LIMIT)).deleted
  },
})

/** A decimal number as JSON writes one (exponent included), nothing else: `Number` would read `0x10` as 16 ms. */
const DECIMAL = /^\s*\d+(?:\.\d+)?(?:e\+?\d+)?\s*$/i

/**
 * The retention the deployment's `BACKGROUND_JOBS_RETENTION_MS` sets: the default when it is unset
 * or empty, null when it is no whole number of milliseconds above 0 (`24h`, `1d`, `86_400_000`).
 * Read as the default instead, a junk value would delete jobs sooner than the operator asked.
 */
function retentionMs(): number | null {
  const text = process.env.BACKGROUND_JOBS_RETENTION_MS
  if (text === undefined || text.trim() === '') return DEFAULT_RETENTION_MS
  const configured = DECIMAL.test(text) ? Number(text) : Number.NaN
  return Number.isSafeInteger(configured) && configured > 0 ? configured : null
}

/** The cron's log line for a `BACKGROUND_JOBS_RETENTION_MS` it cannot read (a short value quoted, a long one only measured). */
function retentionProblem(): string {
  const text = process.env.BACKGROUND_JOBS_RETENTION_MS ?? ''
  const shown = text.length <= 32 ? JSON.stringify(text) : `(a text of ${text.length} characters)`
  return `BACKGROUND_JOBS_RETENTION_MS ${shown} is not a whole number of milliseconds above 0 (86400000 for a day; unset for 1 hour): no finished job is deleted until it is fixed (npx convex env set BACKGROUND_JOBS_RETENTION_MS 86400000)`
}

/**
 * The cron's entry: one bounded batch, then again right away while more expired jobs remain. A
 * backlog can outlast the cron's minute (a first deploy, a lowered retention): a tick that finds
 * the continuation still scheduled or running does nothing. Before, every tick started a chain of
 * its own over the same expired rows, so the chains' mutations conflicted with one another.
 */
export const deleteExpiredJobs = internalMutation({
  args: {
    retentionMs: v.optional(v.number()),
    /** Set by the run that schedules it: the chain goes on even though it is the one scheduled. */
    continuation: v.optional(v.boolean()),
  },
  returns: v.number(),
  handler: async (ctx, args) => {
    const run = await ctx.db.query('cleanupRuns').first()
    if (run && !args.continuation) {
      const scheduled = await ctx.db.system.get(run.scheduledId)
      if (scheduled && (scheduled.state.kind === 'pending' || scheduled.state.kind === 'inProgress')) return 0
    }
    const retention = args.retentionMs ?? retentionMs()
    if (retention === null) console.error(retentionProblem())
    // An unreadable retention deletes nothing that it decides (jobs, records of deleted jobs, idle feeds): only old rate-limit hits.
    const { deleted, more: moreJobs, budget } = retention === null
      ? { deleted: 0, more: false, budget: { rows: CLEANUP_ROWS, bytes: CLEANUP_BYTES } }
      : await deleteEndedJobs(ctx, Date.now() - retention, DEFAULT_JOB_LIMIT)
    // What is left of the budget goes to old rate-limit hits, old records of deleted jobs and idle feeds.
    const cutoff = retention === null ? null : Date.now() - retention
    const more = await deleteOldRateHits(ctx, budget) || (cutoff !== null && (await deleteOldDeletions(ctx, cutoff, budget) || await deleteIdleFeeds(ctx, cutoff, budget))) || moreJobs
    if (more) {
      // The cron's chain reads the variable again at each run: a retention raised (or made
      // unreadable) meanwhile applies to the rest of the backlog. Only a retention given to the run
      // goes on with it.
      const scheduledId = await ctx.scheduler.runAfter(0, internal.cleanup.deleteExpiredJobs, { ...(args.retentionMs === undefined ? {} : { retentionMs: args.retentionMs }), continuation: true })
      if (run) await ctx.db.patch(run._id, { scheduledId })
      else await ctx.db.insert('cleanupRuns', { scheduledId })
    }
    else if (run) await ctx.db.delete(run._id)
    return deleted
  },
})
