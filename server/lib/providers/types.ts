/**
 * The provider contract: only the calls the engine makes. A provider stores; the engine decides.
 * `memory` is the reference implementation for one process; `redis` and `convex` add the
 * multi-instance calls (subscriptions, controls and their replies, leases). The same suite
 * (tests/providers/contract.ts) runs against every provider; docs/providers.md explains the
 * semantics the engine relies on.
 */
import type { JobEvent, JobStatus, JobType } from '../../../shared/events'
import type { JobState } from '../../../shared/reducer'

import type { JobRequest } from './job-request'
import type { CreateOptions } from './create-limits'
import type { JobListFilter, ThreadListOptions, ThreadPage, UserFeedSubscribeOptions } from './list-types'

export type { ChatJobRequest, ChatMessage, JobRequest, JobTraceContext, WorkflowJobRequest } from './job-request'
export type { JobListBound, JobListFilter, StoredThread, ThreadCursor, ThreadListOptions, ThreadPage, ThreadRenamed, UserFeedSubscribeOptions } from './list-types'
export type { ActiveLimitScope, CreateOptions, RateWindow } from './create-limits'
export { ActiveLimitError, RateRefusedError } from './create-limits'

/** The lease of the instance that runs a job (multi-instance providers). */
export interface JobLease {
  instanceId: string
  /** Raised on every takeover; a write carrying an older epoch is refused. */
  epoch: number
  expiresAt: number
}

/** A job's stored metadata (its state is in the event log). */
export interface JobRecord {
  id: string
  userId: string
  type: JobType
  status: JobStatus
  threadId: string | null
  messageId: string | null
  idempotencyKey: string | null
  /** A short label for lists (first words of the prompt, or the workflow name). */
  title: string
  request: JobRequest
  createdAt: number
  /**
   * When the store created the job, on the store's own clock — the one its leases' `expiresAt` are
   * counted on (`createdAt` is the creating instance's clock): what a takeover counts the job's
   * time limit from (job-start.ts). Absent on a job an earlier version stored.
   */
  storeCreatedAt?: number
  updatedAt: number
  endedAt: number | null
  /** The seq of the last stored event. */
  lastSeq: number
  lease: JobLease | null
}

/**
 * A job as `subscribeUserJobs` hands it on: the record without its request and lease, which a
 * user's notification feed never reads (a request can be a whole chat history, up to 1 MB).
 * A provider may pass whole records.
 */
export type ChangedJobRecord = Omit<JobRecord, 'request' | 'lease'>

/** What the engine passes to `create`. */
export type NewJobRecord = Omit<JobRecord, 'status' | 'storeCreatedAt' | 'updatedAt' | 'endedAt' | 'lastSeq' | 'lease'> & {
  lease?: JobLease | null
}


/** A job the store deleted on its own — retention (`deleteExpired`), or to make room (`create`'s `onEvicted`): whose it was, for the user's notification streams. */
export interface ExpiredJob {
  id: string
  userId: string
  threadId: string | null
}

/** The outcome of `deleteJob`: deleted, no such job, or refused because the job has not ended. */
export type DeleteOutcome = 'deleted' | 'not-found' | 'active'

/** The outcome of `takeRate`. */
export type RateDecision = { ok: true } | { ok: false, retryAfterMs: number }

/** Options of `appendEvents`. */
export interface AppendOptions {
  /**
   * The writer's lease epoch; multi-instance providers refuse a stale one. Convex requires it on
   * every append (a job without a lease, or a call without an epoch, has no writer).
   */
  epoch?: number
}

/** Why an append was refused. */
export type AppendRefusal = 'not-found' | 'terminal' | 'seq-conflict' | 'stale-epoch'

/** The outcome of `appendEvents`. */
export type AppendResult = { ok: true, lastSeq: number } | { ok: false, reason: AppendRefusal, lastSeq: number }

/** Events after a seq, if the provider still holds all of them. */
export interface EventRange {
  events: JobEvent[]
  /** False when some events after the asked seq are no longer held (then serve a snapshot). */
  complete: boolean
}

/** Called with newly stored events of a job, in order. */
export type EventListener = (events: JobEvent[]) => void

/**
 * A request sent to the instance that runs a job (multi-instance providers): abort it, or
 * answer one of its input requests. The owner acts on it; it is not part of the event log.
 */
export type JobControl =
  /**
   * `answer`: answer and stop — the owner answers every tool approval still pending with it (a
   * denial, with its reason) in the same step as the abort, so no model round starts on it.
   */
  | { type: 'abort', userId: string, answer?: unknown }
  | { type: 'input', userId: string, requestId: string, answer: unknown }

/** A stored control, numbered per job in the order it was sent. */
export type StoredJobControl = JobControl & { id: string, sentAt: number }

/**
 * What the owner answers to a control, once it acted on it: ok, or the error a local call would
 * have thrown (400 for an answer of the wrong shape, 409 for a request no longer pending), so the
 * instance that received the HTTP request answers with the owner's real outcome.
 */
/** What recovery reads to share lapsed jobs among the instances (`heartbeatInstance`). */
export interface ClusterLoad {
  /** Instances alive now (this one included, unless it just said it is gone). */
  instances: number
  /** Jobs not ended, on any instance (those whose owner was lost too). */
  activeJobs: number
  /**
   * Ms from the store's now to the next lapse of an active job's lease that has not lapsed yet;
   * null with none. Recovery scans again right then when that comes before its next scan, so a dead
   * owner's job is taken over as its lease lapses (cluster.ts). Absent: a store of an earlier version.
   */
  nextLapseInMs?: number | null
}

export type ControlReply =
  /** `stored: false`: an answer the owner took but could not store yet (its store is slow). */
  | { ok: true, stored?: false }
  /** A 429 (`RateLimitError`) also carries its wait and the limit that refused, for the sender's `Retry-After`. */
  | { ok: false, status: number, error: string, message: string, retryAfterSeconds?: number, limit?: string }

/** The storage behind the engine. */
export interface JobProvider {
  readonly name: string
  /**
   * Creates a job, or returns the existing one when `userId` + `idempotencyKey` was seen before
   * (then `created` is false, never refused by a limit; its request may be as `getListed` gives
   * it, which keeps the fingerprint the retry is compared by, not a chat's whole history). Throws `ActiveLimitError`, writing
   * nothing, when `options` limits are reached — checked in the same atomic step as the insert.
   */
  create(record: NewJobRecord, options?: CreateOptions): Promise<{ record: JobRecord, created: boolean }>
  /**
   * The record with its whole request, as stored. With `owner.userId`, a provider may answer null
   * for a job of another user without reading it any further, so such a job costs what a missing
   * one does (redis: no whole record sent back); the caller still compares the owner itself.
   */
  get(id: string, owner?: { userId: string }): Promise<JobRecord | null>
  /**
   * `get` with the request as `list` gives it (a chat's last user message as its only message):
   * what the engine's ownership check of a route needs (the job's owner, status, lease and
   * summary), without a long chat's whole history. Optional: without it, the engine uses `get`.
   */
  getListed?(id: string, owner?: { userId: string }): Promise<JobRecord | null>
  /**
   * The user's jobs matching `filter`, newest first. A chat's `request` may come with its last user
   * message as its only message (every other field as stored): what a summary needs, without a
   * long chat's history once per listed job. Read the whole request with `get`.
   */
  list(filter: JobListFilter): Promise<JobRecord[]>
  /**
   * The user's threads (jobs with a `threadId`, grouped), ordered by their newest job's
   * `createdAt`, newest first, ties by `threadId` descending; read from an index kept by `create`
   * and every deletion path, never by reading all of the user's jobs. Records as `list` gives them.
   */
  listThreads(options: ThreadListOptions): Promise<ThreadPage>
  /**
   * Stores the title a user gave one of their threads (`listThreads` then gives it as the
   * thread's `title`), replacing any earlier one, and answers the id of the thread's newest job,
   * read in the same step. Null, with nothing stored, when the user has no such thread (no job of
   * theirs carries that `threadId`): a title never outlives its thread, and goes with the thread's
   * last job on every deletion path (deleteJob, deleteExpired). `renameId` (the engine's id of this
   * rename): a shared provider tells it with the rename and that job id to the user's feeds
   * (`subscribeUserJobs`' `onRenamed`); one without a feed ignores it.
   */
  renameThread(userId: string, threadId: string, title: string, renameId?: string): Promise<string | null>
  /**
   * Appends events whose seqs continue the log without a gap (first seq = lastSeq + 1; a merged
   * delta covers `fromSeq`..`seq`). Status follows the events (`job-status`, `job-end`). Refused,
   * with nothing written, when the job is terminal (compare-and-set: nothing moves a job out of a
   * terminal status), when the seqs do not continue the log, or when the epoch is older than the
   * job's lease. Events are stored as given (an event's `epoch` field included). A throw means
   * "not known to be stored": the engine retries, so an append must be all or nothing; a retry of
   * a batch that did land is refused as `seq-conflict` with the log's `lastSeq`, which tells the
   * engine it is stored.
   */
  appendEvents(id: string, events: JobEvent[], options?: AppendOptions): Promise<AppendResult>
  /**
   * *(optional)* Closes a job whose `job-end` the store refused for good (a `StoreRefusedError`)
   * by a path that does not write its log: the end's status and times in the record, the job out
   * of the active counts and the lease index, its end given to readers and followers. The same
   * checks as an append (`not-found`, `terminal`, `stale-epoch`); `unindexed` names the indexes
   * it could not update. Without it, such a job stays active in the store (providers.md).
   */
  closeRefusedEnd?(id: string, end: JobEvent, options?: AppendOptions): Promise<AppendResult & { unindexed?: string[] }>
  /** Events with seq > afterSeq, or null if the job does not exist. */
  readEvents(id: string, afterSeq: number): Promise<EventRange | null>
  /** The reduced state of every stored event, or null if the job does not exist. */
  getState(id: string): Promise<JobState | null>
  /** Jobs not in a terminal status; per user when `userId` is given. */
  countActive(filter?: { userId?: string }): Promise<number>
  /**
   * Deletes jobs that ended before `endedBefore`, with their events; returns how many. As after
   * `deleteJob`, followers learn each job is gone (`subscribe`'s `onGone`) and a shared provider
   * tells the user's feeds (`subscribeUserJobs`' `onDeleted`); `onDeleted`, when given, is called
   * with each job deleted before the call resolves, so the engine tells this instance's streams.
   */
  deleteExpired(endedBefore: number, limit?: number, onDeleted?: (job: ExpiredJob) => void): Promise<number>
  /**
   * Deletes one finished job now, with everything of it that retention deletes (record, event log,
   * controls and replies, per-user list and idempotency entries, lease). Compare-and-set on the
   * status: a job not yet ended is left as it is (`'active'`), so a running job never loses its
   * log under its owner. Followers on other instances learn it is gone as after retention.
   */
  deleteJob(id: string): Promise<DeleteOutcome>
  /**
   * Counts one hit against `key` in a sliding window of `windowMs`: ok when fewer than `limit`
   * hits were counted in the window (this one is then counted), otherwise refused with the time
   * until the oldest counted hit leaves the window. Per-user rate limits go through this, so they
   * hold across instances sharing the store.
   */
  takeRate(key: string, limit: number, windowMs: number): Promise<RateDecision>
  /**
   * The most bytes (UTF-8 of the events' JSON) one `appendEvents` call may carry; the engine
   * splits batches under it and fails a job with an event that alone is larger. @default unlimited
   */
  readonly maxBatchBytes?: number
  /**
   * The most bytes (UTF-8) of a job's request as JSON this store keeps; `create` refuses a bigger
   * one (413). The AI SDK route keeps a chat's history under it (ai-sdk/newest-messages.ts).
   * @default unlimited
   */
  readonly maxRequestBytes?: number
  /**
   * How often the engine writes a running job's events to this store unless `persist.intervalMs`
   * says otherwise: 0 writes each committed event at once (one write in flight, so writes batch
   * themselves under load), more batches them in time. @default 500 on multi-instance providers
   */
  readonly writeIntervalMs?: number

  // Multi-instance (optional): the memory provider lives in one process and has no need of these.
  // A provider that has all of subscribe, sendControl, subscribeControls, replyToControl,
  // subscribeControlReply and the three lease calls is "shared" (server/lib/run-lease.ts): the
  // engine then takes leases, forwards controls and recovers lost owners through it.

  /**
   * Calls `listener` with events stored by any instance after `options.afterSeq` (default: after
   * this call), each exactly once, in seq order. Returns unsubscribe. `onGone` is called once when
   * the subscription finds the job no longer stored (lost with a store that restarted without its
   * data, or deleted), or its stored log ending before what was delivered (a store back from an
   * older snapshot, whose next events reuse those seqs): nothing more will come. Redis finds out
   * when it catches up (after its connection came back), Convex as soon as the job is gone.
   */
  subscribe?(id: string, listener: EventListener, options?: { afterSeq?: number, onGone?: () => void }): () => void
  /**
   * Stores a control for the job's owner (abort, input answer) and returns its id. Throws
   * `JobNotFoundError` when the job does not exist or is another user's. A control for a finished
   * job is stored all the same (nobody acts on it).
   */
  sendControl?(id: string, control: JobControl): Promise<string>
  /** The owner's side: stores its reply to a control (the first reply wins) and tells the sender. */
  replyToControl?(id: string, controlId: string, reply: ControlReply): Promise<void>
  /**
   * The sender's side: calls `listener` once with the reply to a control, also when it was stored
   * before this call. Returns unsubscribe.
   */
  subscribeControlReply?(id: string, controlId: string, listener: (reply: ControlReply) => void): () => void
  /**
   * The sender's side, read once: the owner's stored reply to a control, or null while there is
   * none. The engine reads it when it sees the job end before a reply arrived (the reply is stored
   * before the end, but two subscriptions may deliver in either order). Optional: without it such a
   * sender is told the job ended.
   */
  readControlReply?(id: string, controlId: string): Promise<ControlReply | null>
  /**
   * Calls `listener` with controls sent after this call, or every control of the job with
   * `fromStart` (an owner starting or taking over a job, so nothing sent meanwhile is missed).
   */
  subscribeControls?(id: string, listener: (control: StoredJobControl) => void, options?: { fromStart?: boolean }): () => void
  /**
   * Every control of the job stored so far, in the order sent (what `subscribeControls` with
   * `fromStart` delivers first), read once. An instance taking a job over reads them before it
   * runs anything, so an abort sent while nobody owned the job stops it before a node or tool
   * runs again. Optional: without it, such a control is acted on once the subscription delivers it.
   */
  readControls?(id: string): Promise<StoredJobControl[]>
  /**
   * Calls `listener` with the user's jobs (without their requests) that were created, changed status or asked for input
   * after this call, in the order those changes committed, each change at least once (several
   * changes of one job between two deliveries may arrive as one record in its latest state).
   * Lets an instance notify a user of jobs that run elsewhere. `onDeleted`, when the provider can
   * tell, is called with the id of a job of the user deleted after this call (`deleteJob`, on any
   * instance), at most once per job as far as it can. `since` (this instance's clock): start from
   * then rather than from the call — a notification stream that resumes from its position after a
   * break in which nothing here followed the user — as far as the provider still knows the changes
   * (`redis`: the user's newest 100 of the last hour). `onLost`, likewise, with the id of a job
   * of the user that an owner found lost (`publishJobLost`). `onRenamed`, with each rename of a
   * thread of the user stored with a `renameId` after this call, in order with the deletions.
   * Returns unsubscribe.
   */
  subscribeUserJobs?(userId: string, listener: (records: ChangedJobRecord[]) => void, options?: UserFeedSubscribeOptions): () => void
  /**
   * The owner of a running job found the store no longer has it (a write refused `not-found`, a
   * lease heartbeat with no record): tells the instances following the user (`subscribeUserJobs`'
   * `onLost`), which cannot know whose job it was. Nothing, and false, when the store has the job
   * or recorded it deleted (an owner cut off from the store while another instance finished the
   * job and its user deleted it: a deliberate delete is not a loss). Optional.
   */
  publishJobLost?(job: { id: string, userId: string, threadId: string | null }): Promise<boolean>
  /** Takes the lease of a job if it is free or expired; returns the new lease or null. */
  claimLease?(id: string, instanceId: string, leaseMs: number): Promise<JobLease | null>
  /** Extends a held lease; false when another instance took it over (or, see below, the store lost the job). */
  heartbeatLease?(id: string, lease: JobLease, leaseMs: number): Promise<boolean>
  /**
   * True when `heartbeatLease` also answers false for a job the store lost (Redis: the lease lives
   * in the job's hash). Without it (Convex: the lease has a document of its own, so a heartbeat
   * never reads the job's), the owner of a job that writes nothing — waiting for an answer — reads
   * the job's record after each heartbeat, or it would learn of the loss only at its next write.
   */
  heartbeatSeesLostJob?: boolean
  /**
   * Active jobs whose lease expired (for recovery), the longest-expired first. Expiry is judged by
   * the store's clock, the one `claimLease` and `heartbeatLease` count from, never the caller's:
   * instances whose clocks disagree must still agree on which leases lapsed. Records as `list`
   * gives them (a chat's request may be its last user message only): every instance scans, and
   * most of what it lists another claims first or it leaves to others; recovery reads the whole
   * record with `get` once it holds the lease.
   */
  listExpiredLeases?(limit?: number): Promise<JobRecord[]>
  /**
   * Marks an instance alive for `ttlMs` by the store's clock (0: gone now, at shutdown) and
   * answers how many instances are alive and how many jobs are active in the store. Recovery uses
   * it to spread the jobs of a lost instance over the others rather than have the first to look
   * take them all. Optional: without it, the first instance to look takes every lapsed job.
   */
  heartbeatInstance?(instanceId: string, ttlMs: number): Promise<ClusterLoad>
  /**
   * One cheap round trip proving the store answers now (Redis `PING`, Convex `health:check`); rejects
   * when it does not. The health route asks it (health.ts). Absent: the store is this process (memory).
   */
  ping?(): Promise<void>
  /** Releases resources (clients, subscriptions). */
  dispose?(): Promise<void>
}
