/**
 * The append-only event log. `appendEvents` is the only write a running job makes: one mutation
 * per call, which inserts its batch documents and patches the job's small metadata. It is the
 * compare-and-set point: it refuses a writer without the job's current lease epoch, a terminal
 * job, and a gap or overlap in seqs.
 */
import { ConvexError, v } from 'convex/values'
import { serverMutation, serverQuery } from './access'
import { MAX_APPEND_BYTES, MAX_BATCH_BYTES, READ_PAGE_BATCHES, READ_PAGE_BYTES, type TooLarge, utf8Bytes } from './limits'
import { removeActiveJob } from './activeCount'
import { findLease } from './leaseStore'
import { findJob, isTerminal, nextChangedAt } from './model'
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

/** The `data` of the error an append too big for Convex throws (the provider never sends one). */
export type AppendTooLarge = TooLarge

function tooLarge(message: string): ConvexError<AppendTooLarge> {
  return new ConvexError<AppendTooLarge>({ code: 'too-large', message })
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

/** One document to insert: a whole batch, or a piece of one big event. */
interface PlannedDocument {
  eventsJson: string
  bytes: number
  part?: number
  parts?: number
}

/** Checks sizes and turns the call's batches into documents and their events. */
function plan(batches: Array<string | string[]>): { documents: PlannedDocument[][], events: StoredEventHead[][] } {
  const documents: PlannedDocument[][] = []
  const events: StoredEventHead[][] = []
  let total = 0
  for (const batch of batches) {
    const pieces = typeof batch === 'string' ? [batch] : batch
    const sized = pieces.map((eventsJson, part) => {
      const bytes = utf8Bytes(eventsJson)
      if (bytes > MAX_BATCH_BYTES) throw tooLarge(`A stored batch holds at most ${MAX_BATCH_BYTES} bytes; got ${bytes}`)
      total += bytes
      return typeof batch === 'string' ? { eventsJson, bytes } : { eventsJson, bytes, part, parts: pieces.length }
    })
    const parsed = parseEvents(pieces.join(''))
    if (typeof batch !== 'string' && parsed.length !== 1) throw new Error('a batch given in pieces must hold exactly one event')
    documents.push(sized)
    events.push(parsed)
  }
  if (total > MAX_APPEND_BYTES) throw tooLarge(`One append holds at most ${MAX_APPEND_BYTES} bytes of events; got ${total}`)
  return { documents, events }
}

/**
 * Appends events that continue the job's log (first seq = lastSeq + 1), given as batches: each
 * a JSON array stored as one document, or — for one event too big for a document — that array's
 * JSON in pieces, stored as consecutive documents. Every batch of a call commits together.
 */
export const appendEvents = serverMutation({
  args: {
    jobId: v.string(),
    /** Required: only the holder of the job's current lease may write its log. */
    epoch: v.number(),
    batches: v.array(v.union(v.string(), v.array(v.string()))),
  },
  returns: v.union(
    v.object({ ok: v.literal(true), lastSeq: v.number() }),
    v.object({ ok: v.literal(false), reason: refusalValidator, lastSeq: v.number() }),
  ),
  handler: async (ctx, { jobId, epoch, batches }) => {
    const job = await findJob(ctx.db, jobId)
    if (!job) return { ok: false as const, reason: 'not-found' as const, lastSeq: 0 }
    const refuse = (reason: 'terminal' | 'seq-conflict' | 'stale-epoch') => ({ ok: false as const, reason, lastSeq: job.lastSeq })
    if (isTerminal(job.status)) return refuse('terminal')
    // A job nobody holds a lease on has no writer at all. (An older version's lease is in the job document.)
    const lease = await findLease(ctx.db, jobId)
    const currentEpoch = lease ? lease.epoch : job.lease?.epoch
    if (currentEpoch === undefined || currentEpoch !== epoch) return refuse('stale-epoch')
    const { documents, events: perBatch } = plan(batches)
    const events = perBatch.flat()
    if (events.length === 0) return { ok: true as const, lastSeq: job.lastSeq }

    let status = job.status
    let endedAt = job.endedAt
    let expectedSeq = job.lastSeq + 1
    let asksInput = false
    for (const event of events) {
      if (event.type === 'input-request') asksInput = true
      // A merged delta covers fromSeq..seq; the log stays gap-free either way.
      if ((event.fromSeq ?? event.seq) !== expectedSeq || event.seq < expectedSeq) return refuse('seq-conflict')
      // Nothing may follow the end, not even within the same call.
      if (isTerminal(status)) return refuse('terminal')
      if (event.type === 'job-status' && event.status && !isTerminal(event.status)) status = event.status
      if (event.type === 'job-end' && event.status && isTerminal(event.status)) {
        status = event.status
        endedAt = event.at
      }
      expectedSeq = event.seq + 1
    }
    for (const [index, batchEvents] of perBatch.entries()) {
      if (batchEvents.length === 0) continue
      const first = batchEvents[0]!
      const last = batchEvents[batchEvents.length - 1]!
      for (const document of documents[index]!) {
        await ctx.db.insert('eventBatches', { jobId, firstSeq: first.fromSeq ?? first.seq, lastSeq: last.seq, ...document })
      }
    }
    const last = events[events.length - 1]!
    if (isTerminal(status)) {
      // It no longer counts against the limits (jobs.ts), and its lease is no longer recovered.
      await removeActiveJob(ctx.db, jobId)
      if (lease) await ctx.db.patch(lease._id, { active: false })
    }
    // Terminal jobs keep updatedAt === endedAt: cleanup finds them by (status, updatedAt).
    const updatedAt = endedAt ?? last.at
    // Only what a user is notified of moves the feed cursor (feed.ts); text batches do not.
    const changedAt = status !== job.status || asksInput ? { changedAt: await nextChangedAt(ctx.db, job.userId) } : {}
    await ctx.db.patch(job._id, { status, endedAt, updatedAt, lastSeq: last.seq, ...changedAt })
    return { ok: true as const, lastSeq: last.seq }
  },
})

/** A batch as `readEvents` returns it (an event stored in pieces comes back joined). */
interface ReadBatch {
  firstSeq: number
  lastSeq: number
  eventsJson: string
}

/**
 * The batches holding events after `afterSeq`, in order, through the `by_job_seq` index, about
 * 4 MB per page (`hasMore` says there is more). The first batch may start before `afterSeq + 1`:
 * callers drop the events they already have. Without `afterSeq` it returns no batches, only the
 * job's current `lastSeq` (a subscription's start). Null when the job does not exist.
 */
export const readEvents = serverQuery({
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
    const batches: ReadBatch[] = []
    let pieces: Array<{ part: number, eventsJson: string }> = []
    let bytes = 0
    let hasMore = false
    const range = ctx.db.query('eventBatches').withIndex('by_job_seq', q => q.eq('jobId', jobId).gt('lastSeq', afterSeq))
    for await (const batch of range) {
      // Stop between batches only, never inside an event's pieces.
      if (pieces.length === 0 && batches.length > 0 && (bytes + batch.bytes > READ_PAGE_BYTES || batches.length >= READ_PAGE_BATCHES)) {
        hasMore = true
        break
      }
      bytes += batch.bytes
      if (batch.parts === undefined) {
        batches.push({ firstSeq: batch.firstSeq, lastSeq: batch.lastSeq, eventsJson: batch.eventsJson })
        continue
      }
      pieces.push({ part: batch.part ?? 0, eventsJson: batch.eventsJson })
      if (pieces.length < batch.parts) continue
      const eventsJson = pieces.sort((a, b) => a.part - b.part).map(piece => piece.eventsJson).join('')
      batches.push({ firstSeq: batch.firstSeq, lastSeq: batch.lastSeq, eventsJson })
      pieces = []
    }
    return { lastSeq: job.lastSeq, batches, hasMore }
  },
})
