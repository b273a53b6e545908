/**
 * Controls: abort and input answers sent to the instance that runs a job, from any instance.
 * They are not part of the event log (the owner decides what they mean and logs the outcome);
 * the owner follows them by a subscription on `readControls`, numbered per job so each arrives
 * once and in order. The owner's reply (its real outcome: ok, 400, 409) is patched onto the control
 * and read by the sender's subscription on `readReply`.
 */
import { ConvexError, v } from 'convex/values'
import { serverMutation, serverQuery } from './access'
import type { DatabaseReader } from './_generated/server'
import { MAX_REPLY_BYTES, MAX_REQUEST_BYTES, RECORD_PAGE_BYTES, type TooLarge, utf8Bytes } from './limits'
import { findJob } from './model'
import { controlFields, controlTypeValidator } from './schema'

/** `readControls` returns at most this many controls; the caller asks again after the last. */
const READ_LIMIT = 100

/** The job's last control number (0 before the first). */
async function lastControlNumber(db: DatabaseReader, jobId: string): Promise<number> {
  const last = await db.query('controls').withIndex('by_job', q => q.eq('jobId', jobId)).order('desc').first()
  return last?.number ?? 0
}

/**
 * Whether the job exists, read from documents that are never patched: the job document is patched
 * by every append, and reading it would re-run the owner's control subscription on each of them.
 * A job still going has its small `activeJobs` document (deleted by the append that ends it, which
 * re-runs a subscription once); only then is a chat's listed request read, or else its request
 * document, which holds up to 1 MB (a chat's history) and would be read again on every run. Jobs
 * written before `jobRequests` existed are looked up by their job document.
 */
async function jobExists(db: DatabaseReader, jobId: string): Promise<boolean> {
  if (await db.query('activeJobs').withIndex('by_job', q => q.eq('jobId', jobId)).first()) return true
  // The append that ends a job re-runs this subscription: each chat turn's end read the whole history again.
  if (await db.query('listedRequests').withIndex('by_job_id', q => q.eq('jobId', jobId)).first()) return true
  if (await db.query('jobRequests').withIndex('by_job_id', q => q.eq('jobId', jobId)).first()) return true
  return await findJob(db, jobId) !== null
}

/** A control as `readControls` returns it. */
const { jobId: _jobId, ...storedControlFields } = controlFields
const controlValidator = v.object({
  /** The Convex document id. */
  id: v.string(),
  ...storedControlFields,
})

/**
 * Stores a control for the job's owner. Refused (`not-found`) when the job does not exist or
 * belongs to another user. A control for a finished job is stored all the same: nobody acts on it,
 * and refusing it would race with the job ending.
 */
export const send = serverMutation({
  args: {
    jobId: v.string(),
    type: controlTypeValidator,
    userId: v.string(),
    requestId: v.optional(v.string()),
    answerJson: v.optional(v.string()),
  },
  returns: v.union(
    v.object({ ok: v.literal(true), id: v.string(), number: v.number(), sentAt: v.number() }),
    v.object({ ok: v.literal(false), reason: v.literal('not-found') }),
  ),
  handler: async (ctx, { jobId, type, userId, requestId, answerJson }) => {
    if (type === 'input' && requestId === undefined) throw new Error('An input control needs a requestId')
    const answerBytes = utf8Bytes(answerJson ?? '')
    if (answerBytes > MAX_REQUEST_BYTES) throw new ConvexError<TooLarge>({ code: 'too-large', message: `An answer holds at most ${MAX_REQUEST_BYTES} bytes of JSON; got ${answerBytes}` })
    const job = await findJob(ctx.db, jobId)
    if (!job || job.userId !== userId) return { ok: false as const, reason: 'not-found' as const }
    // Reading the last control puts the job's range of controls in this transaction's read set.
    const number = await lastControlNumber(ctx.db, jobId) + 1
    const sentAt = Date.now()
    const id = await ctx.db.insert('controls', {
      jobId,
      number,
      type,
      userId,
      sentAt,
      ...(type === 'input' ? { requestId } : {}),
      // An input's answer, or an abort's (answer and stop: given to the job's pending approvals first).
      ...(answerJson !== undefined ? { answerJson } : {}),
    })
    return { ok: true as const, id, number, sentAt }
  },
})

/**
 * The job's controls numbered after `afterNumber`, in order, at most 100 (`hasMore` says there are
 * more). Without `afterNumber` it returns no controls, only the job's last number (a subscription's
 * start). Null when the job does not exist.
 */
export const readControls = serverQuery({
  args: { jobId: v.string(), afterNumber: v.optional(v.number()) },
  returns: v.union(v.null(), v.object({
    /** The job's last control number when this result was read. */
    lastNumber: v.number(),
    controls: v.array(controlValidator),
    hasMore: v.boolean(),
  })),
  handler: async (ctx, { jobId, afterNumber }) => {
    if (!await jobExists(ctx.db, jobId)) return null
    const lastNumber = await lastControlNumber(ctx.db, jobId)
    if (afterNumber === undefined || afterNumber >= lastNumber) return { lastNumber, controls: [], hasMore: false }
    // Answers are up to the body limit each: a page also stops at a byte budget (at least one control).
    const controls = []
    let bytes = 0
    let hasMore = false
    for await (const { _id, _creationTime, jobId: _jobId, ...fields } of ctx.db.query('controls').withIndex('by_job', q => q.eq('jobId', jobId).gt('number', afterNumber))) {
      bytes += utf8Bytes(fields.answerJson ?? '') + 200
      if (controls.length >= READ_LIMIT || (controls.length > 0 && bytes > RECORD_PAGE_BYTES)) {
        hasMore = true
        break
      }
      controls.push({ id: _id, ...fields })
    }
    return { lastNumber, controls, hasMore }
  },
})

/** A reply as stored (`ControlReply` as JSON). */
const replyArgs = { jobId: v.string(), controlId: v.string() }

/** The control document a reply belongs to, if it is one of this job's controls. */
async function findControl(db: DatabaseReader, jobId: string, controlId: string) {
  const id = db.normalizeId('controls', controlId)
  const control = id ? await db.get(id) : null
  return control && control.jobId === jobId ? control : null
}

/**
 * Stores the owner's reply to a control; the first reply wins (later ones are ignored). A reply
 * over `MAX_REPLY_BYTES` is refused (`too-large`): with the answer beside it, the document could
 * pass Convex's 1 MiB and the patch would fail anyway.
 */
export const reply = serverMutation({
  args: { ...replyArgs, replyJson: v.string() },
  returns: v.boolean(),
  handler: async (ctx, { jobId, controlId, replyJson }) => {
    const replyBytes = utf8Bytes(replyJson)
    if (replyBytes > MAX_REPLY_BYTES) throw new ConvexError<TooLarge>({ code: 'too-large', message: `A control's reply holds at most ${MAX_REPLY_BYTES} bytes of JSON; got ${replyBytes}` })
    const control = await findControl(ctx.db, jobId, controlId)
    if (!control || control.replyJson !== undefined) return false
    await ctx.db.patch(control._id, { replyJson })
    return true
  },
})

/** The owner's reply to a control as JSON, or null while there is none. */
export const readReply = serverQuery({
  args: replyArgs,
  returns: v.union(v.string(), v.null()),
  handler: async (ctx, { jobId, controlId }) => (await findControl(ctx.db, jobId, controlId))?.replyJson ?? null,
})
