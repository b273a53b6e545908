/**
 * The Convex tables behind the `convex` provider: one document per job (metadata only), its lease
 * in a document of its own, an append-only log of event batches, the controls (abort, input
 * answers) sent to a job's owner, and the hits counted by rate limits.
 * A job's state is never stored: readers reduce the events.
 * Every query the provider makes has an index here; none scans a table.
 */
import { defineSchema, defineTable } from 'convex/server'
import { type Infer, v } from 'convex/values'

/** Every status a job can be in (mirrors `JobStatus` in shared/events.ts). */
export const jobStatusValidator = v.union(
  v.literal('queued'),
  v.literal('running'),
  v.literal('waiting'),
  v.literal('completed'),
  v.literal('failed'),
  v.literal('aborted'),
)

/** A job status as stored. */
export type StoredJobStatus = Infer<typeof jobStatusValidator>

/** What kind of work a job does. */
export const jobTypeValidator = v.union(v.literal('chat'), v.literal('workflow'))

/** The lease of the instance that runs a job. */
export const leaseValidator = v.object({
  instanceId: v.string(),
  /** Raised on every takeover; a write carrying an older epoch is refused. */
  epoch: v.number(),
  expiresAt: v.number(),
})

/** A stored lease. */
export type StoredLease = Infer<typeof leaseValidator>

/** The fields of a job document (mirrors `JobRecord`; `requestJson` is the request as JSON). */
export const jobFields = {
  /** The engine's job id (not the Convex document id). */
  jobId: v.string(),
  userId: v.string(),
  type: jobTypeValidator,
  status: jobStatusValidator,
  threadId: v.union(v.string(), v.null()),
  messageId: v.union(v.string(), v.null()),
  idempotencyKey: v.union(v.string(), v.null()),
  title: v.string(),
  /** JSON, because a request holds arbitrary user data (keys Convex would refuse, like `$ref`). */
  requestJson: v.string(),
  createdAt: v.number(),
  /** Time of the last event; equals `endedAt` once the job is terminal (cleanup relies on it). */
  updatedAt: v.number(),
  endedAt: v.union(v.number(), v.null()),
  /** Seq of the last stored event. */
  lastSeq: v.number(),
}

/** The fields of one append-only batch of events. */
export const eventBatchFields = {
  jobId: v.string(),
  firstSeq: v.number(),
  lastSeq: v.number(),
  /** The events as a JSON array: payloads are arbitrary user data (tool args and results). */
  eventsJson: v.string(),
  /** UTF-8 size of `eventsJson`, so stored bytes can be counted without reading the events. */
  bytes: v.number(),
  /**
   * One event too big for a document is stored as `parts` consecutive documents (same seqs),
   * each holding piece `part` (0-based) of its JSON array; readers join them. Absent otherwise.
   */
  part: v.optional(v.number()),
  parts: v.optional(v.number()),
}

/** What a control asks the job's owner to do. */
export const controlTypeValidator = v.union(v.literal('abort'), v.literal('input'))

/** The fields of one control sent to a job's owner (mirrors `StoredJobControl`). */
export const controlFields = {
  jobId: v.string(),
  /**
   * 1, 2, 3 … per job in the order sent: the subscription's cursor. Assigned by the `send`
   * mutation, which reads the job's last control, so two concurrent sends conflict and retry
   * instead of sharing a number or committing out of order.
   */
  number: v.number(),
  type: controlTypeValidator,
  /** Who sent it. */
  userId: v.string(),
  /** The input request an `input` control answers. */
  requestId: v.optional(v.string()),
  /**
   * The answer of an `input` control, or of an `abort` that answers the job's pending approvals
   * first (answer and stop), as JSON (arbitrary user data); absent for `undefined`.
   */
  answerJson: v.optional(v.string()),
  /** Server time of sending. */
  sentAt: v.number(),
  /** The owner's reply (`ControlReply` as JSON), once it acted on the control; the first one wins. */
  replyJson: v.optional(v.string()),
}

/** One counted hit of a rate limit (a sliding window per key, e.g. `create:<userId>`). */
export const rateHitFields = {
  key: v.string(),
  /** Server time of the hit. */
  at: v.number(),
}

export default defineSchema({
  jobs: defineTable({
    ...jobFields,
    /**
     * Only in documents written before `jobRequests` existed. The request lives in a document of
     * its own: every append patches the job document, and each patch stores (and
     * each subscription re-run reads) the whole document again.
     */
    requestJson: v.optional(v.string()),
    /**
     * Convex server time of the last change a user's notification feed reports (created, status
     * changed, input requested), strictly increasing per user in commit order (see
     * `nextChangedAt` in model.ts): the cursor of `feed:userChanges`. Optional for documents
     * written before it existed; not part of the returned record.
     */
    changedAt: v.optional(v.number()),
    /**
     * Only in documents written before the `leases` table existed. The lease lives in a document
     * of its own: a heartbeat that patched the job document re-ran every query that read it —
     * every viewer's `events:readEvents` subscription among them. An embedded lease is still read
     * (`leaseOf` in leaseStore.ts) and moves to `leases` at the job's next claim or heartbeat.
     */
    lease: v.optional(leaseValidator),
  })
    .index('by_job_id', ['jobId'])
    .index('by_user_status', ['userId', 'status', 'createdAt'])
    .index('by_user_thread', ['userId', 'threadId', 'createdAt'])
    .index('by_user_thread_status', ['userId', 'threadId', 'status', 'createdAt'])
    .index('by_user_message', ['userId', 'messageId', 'createdAt'])
    .index('by_user_idempotency', ['userId', 'idempotencyKey'])
    .index('by_status_updated', ['status', 'updatedAt'])
    // Only jobs with an embedded lease (written before `leases`) are in it: `listExpiredLeases` still finds theirs.
    .index('by_status_lease_expiry', ['status', 'lease.expiresAt'])
    .index('by_user_changed', ['userId', 'changedAt']),
  eventBatches: defineTable(eventBatchFields)
    .index('by_job_seq', ['jobId', 'lastSeq']),
  controls: defineTable(controlFields)
    .index('by_job', ['jobId', 'number']),
  // One small document per job not yet ended, so counting active jobs (every `create` does, for
  // the limits) reads a few bytes per job, not its request, and does not conflict with appends.
  activeJobs: defineTable({
    jobId: v.string(),
    userId: v.string(),
    /** The `activeCounts` shard this job is counted in; absent in documents written before it existed (not counted there). */
    shard: v.optional(v.number()),
    /** The anonymous client address the job counts under (`maxActivePerAddress`); absent for other jobs. */
    address: v.optional(v.string()),
  })
    .index('by_job', ['jobId'])
    .index('by_user', ['userId'])
    .index('by_address', ['address']),
  // The number of active jobs, split over a few shards (`shard` = a hash of the job id), kept by
  // the transactions that insert and delete `activeJobs`: the global count reads these few
  // documents, never the whole table, and two creations conflict only when they hit one shard.
  activeCounts: defineTable({ shard: v.number(), count: v.number() })
    .index('by_shard', ['shard']),
  // The lease of the instance that runs a job: the only document a heartbeat patches, and none of
  // the queries viewers subscribe to reads it. `active` turns false when the job ends, so the
  // recovery scan (`by_active_expiry`) sees only the leases of jobs still going.
  leases: defineTable({ jobId: v.string(), ...leaseValidator.fields, active: v.boolean() })
    .index('by_job', ['jobId'])
    .index('by_active_expiry', ['active', 'expiresAt']),
  // A job's request (up to the app's body limit), written once at creation and read with the record.
  jobRequests: defineTable({ jobId: v.string(), requestJson: v.string() })
    .index('by_job_id', ['jobId']),
  // A chat's request as listings and `getListed` return it (its last user message as its only
  // message), written once at creation beside `jobRequests` when it is at most half of it: a listing or a
  // route's ownership check reads this, not the whole history. Jobs without one (other types,
  // jobs stored before it existed) are listed from their whole request.
  listedRequests: defineTable({ jobId: v.string(), requestJson: v.string() })
    .index('by_job_id', ['jobId']),
  rateHits: defineTable(rateHitFields)
    .index('by_key_at', ['key', 'at'])
    .index('by_at', ['at']),
  // A user's thread (the jobs sharing a threadId): the time of its newest job, kept by every
  // creation and deletion of its jobs (threads.ts), so the user's threads are listed by index;
  // `title`: the one its user gave it (`threads:renameThread`), which goes with the row;
  // `renamedAt` (the user's `changedAt` of the last rename), `renameId` (the renaming server's
  // id of it) and `renameJobId` (the thread's newest job then; none from functions before version
  // 6), for the user's notification feed (`feed:userChanges` reads `by_user_renamed`).
  threads: defineTable({ userId: v.string(), threadId: v.string(), newestAt: v.number(), title: v.optional(v.string()), renamedAt: v.optional(v.number()), renameId: v.optional(v.string()), renameJobId: v.optional(v.string()) })
    .index('by_user_newest', ['userId', 'newestAt', 'threadId'])
    .index('by_user_thread', ['userId', 'threadId'])
    .index('by_user_renamed', ['userId', 'renamedAt']),
  // A job its user deleted (deletion.ts), as the user's notification feed reports it: the job
  // document is gone, so `feed:userChanges` reads these by the same `changedAt` cursor. Kept for
  // the retention period, then deleted by the cron (a feed subscription is long past them by then).
  // Also a job its owner found gone (deleted by hand while it ran, `lost`: deletion.ts `recordLost`).
  jobDeletions: defineTable({
    userId: v.string(),
    jobId: v.string(),
    threadId: v.union(v.string(), v.null()),
    changedAt: v.number(),
    lost: v.optional(v.boolean()),
  })
    .index('by_user_changed', ['userId', 'changedAt'])
    .index('by_changed', ['changedAt'])
    // recordLost: a job deleted on purpose is not announced lost.
    .index('by_job', ['jobId']),
  // A user's latest `changedAt` (model.ts): what a feed subscription reads while nothing changed,
  // written only by the changes the feed reports, never by appends. One idle for the retention
  // period goes with it (cleanup.ts) unless the user has a job still active (then its time moves up to
  // the cron's: still at least the user's latest change): a user seen once (an anonymous visitor) is not kept forever.
  userFeeds: defineTable({ userId: v.string(), lastChangedAt: v.number() })
    .index('by_user', ['userId'])
    .index('by_changed', ['lastChangedAt']),
  // The retention cron's continuation while one is scheduled (at most one document): a cron tick
  // that finds it pending or running starts no second chain over the same expired rows.
  cleanupRuns: defineTable({ scheduledId: v.id('_scheduled_functions') }),
  // Instances alive until `expiresAt` (server time), renewed by each one's recovery heartbeat: how
  // many share the jobs of a lost one. `token`: the process that renewed it last (none from an
  // older server), so two live processes under one instance id are noticed.
  instances: defineTable({ instanceId: v.string(), expiresAt: v.number(), token: v.optional(v.string()) })
    .index('by_instance', ['instanceId'])
    .index('by_expiry', ['expiresAt']),
})
