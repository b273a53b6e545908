/**
 * The append-only event log. `appendEvents` is the only write a running job makes: one mutation
 * per batch, which inserts one batch document and patches the job's small metadata. It is the
 * compare-and-set point: it refuses a terminal job, a gap or overlap in seqs, and a stale epoch.
 */
import { v } from 'convex/values'
import { mutation, query } from './_generated/server'
import { findJob, isTerminal, nextChangedAt, utf8Bytes } from './model'
import type { StoredJobStatus } from './schema'

/** Why an append was refused (mirrors `AppendRefusal`). */
const refusalValidator = v.union(
  v.literal('not-found'),
  v.literal('terminal'),
  v.literal('seq-conflict'),
  v.literal('stale-epoch'),
)

/** What the job learns from a batch: only the fields the metadata needs. */
interface StoredEventHead {
  seq: number
  fromSeq?: number
  at: number
  type: string
  status?: StoredJobStatus
}

function parseEvents(eventsJson: string): StoredEventHead[] {
  const parsed: unknown = JSON.parse(eventsJson)
  if (!Array.isArray(parsed)) throw new Error('eventsJson must be a JSON array of events')
  return parsed.map((event: Record<string, unknown>) => {
    if (typeof event?.seq !== 'number' || typeof event.at !== 'number' || typeof event.type !== 'string') {
      throw new TypeError('every event needs a numeric seq and at, and a type')
    }
    return event as unknown as StoredEventHead
  })
}

/** Appends one batch of events that continues the job's log (first seq = lastSeq + 1). */
export const appendEvents = mutation({
  args: {
    jobId: v.string(),
    eventsJson: v.string(),
    /** The writer's lease epoch; omitted by writers that hold no lease. */
    epoch: v.optional(v.number()),
  },
  returns: v.union(
    v.object({ ok: v.literal(true), lastSeq: v.number() }),
    v.object({ ok: v.literal(false), reason: refusalValidator, lastSeq: v.number() }),
  ),
  handler: async (ctx, { jobId, eventsJson, epoch }) => {
    const job = await findJob(ctx.db, jobId)
    if (!job) return { ok: false as const, reason: 'not-found' as const, lastSeq: 0 }
    const refuse = (reason: 'terminal' | 'seq-conflict' | 'stale-epoch') => ({ ok: false as const, reason, lastSeq: job.lastSeq })
    if (isTerminal(job.status)) return refuse('terminal')
    if (epoch !== undefined && job.lease && job.lease.epoch !== epoch) return refuse('stale-epoch')
    const events = parseEvents(eventsJson)
    if (events.length === 0) return { ok: true as const, lastSeq: job.lastSeq }

    let status = job.status
    let endedAt = job.endedAt
    let expectedSeq = job.lastSeq + 1
    let asksInput = false
    for (const event of events) {
      if (event.type === 'input-request') asksInput = true
      // A merged delta covers fromSeq..seq; the log stays gap-free either way.
      if ((event.fromSeq ?? event.seq) !== expectedSeq || event.seq < expectedSeq) return refuse('seq-conflict')
      // Nothing may follow the end, not even within the same batch.
      if (isTerminal(status)) return refuse('terminal')
      if (event.type === 'job-status' && event.status && !isTerminal(event.status)) status = event.status
      if (event.type === 'job-end' && event.status && isTerminal(event.status)) {
        status = event.status
        endedAt = event.at
      }
      expectedSeq = event.seq + 1
    }
    const first = events[0]!
    const last = events[events.length - 1]!
    await ctx.db.insert('eventBatches', {
      jobId,
      firstSeq: first.fromSeq ?? first.seq,
      lastSeq: last.seq,
      eventsJson,
      bytes: utf8Bytes(eventsJson),
    })
    // Terminal jobs keep updatedAt === endedAt: cleanup finds them by (status, updatedAt).
    const updatedAt = endedAt ?? last.at
    // Only what a user is notified of moves the feed cursor (feed.ts); text batches do not.
    const changedAt = status !== job.status || asksInput ? { changedAt: await nextChangedAt(ctx.db, job.userId) } : {}
    await ctx.db.patch(job._id, { status, endedAt, updatedAt, lastSeq: last.seq, ...changedAt })
    return { ok: true as const, lastSeq: last.seq }
  },
})

/** Reads at most this many bytes of batches per call; the caller asks again from `lastSeq`. */
const READ_BUDGET_BYTES = 4_000_000

/**
 * The batches holding events after `afterSeq`, in order, through the `by_job_seq` index. The first
 * batch may start before `afterSeq + 1`: callers drop the events they already have. Without
 * `afterSeq` it returns no batches, only the job's current `lastSeq` (a subscription's start).
 * Null when the job does not exist.
 */
export const readEvents = query({
  args: { jobId: v.string(), afterSeq: v.optional(v.number()) },
  returns: v.union(v.null(), v.object({
    /** The job's last stored seq when this result was read. */
    lastSeq: v.number(),
    batches: v.array(v.object({ firstSeq: v.number(), lastSeq: v.number(), eventsJson: v.string() })),
    /** True when the byte budget cut the read short: ask again after the last batch. */
    hasMore: v.boolean(),
  })),
  handler: async (ctx, { jobId, afterSeq }) => {
    const job = await findJob(ctx.db, jobId)
    if (!job) return null
    if (afterSeq === undefined || afterSeq >= job.lastSeq) return { lastSeq: job.lastSeq, batches: [], hasMore: false }
    const batches: Array<{ firstSeq: number, lastSeq: number, eventsJson: string }> = []
    let bytes = 0
    let hasMore = false
    const range = ctx.db.query('eventBatches').withIndex('by_job_seq', q => q.eq('jobId', jobId).gt('lastSeq', afterSeq))
    for await (const batch of range) {
      if (batches.length > 0 && bytes + batch.bytes > READ_BUDGET_BYTES) {
        hasMore = true
        break
      }
      batches.push({ firstSeq: batch.firstSeq, lastSeq: batch.lastSeq, eventsJson: batch.eventsJson })
      bytes += batch.bytes
    }
    return { lastSeq: job.lastSeq, batches, hasMore }
  },
})
