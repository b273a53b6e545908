/**
 * The provider contract: only the calls the engine makes. A provider stores; the engine decides.
 * `memory` is the reference implementation; `convex` adds the multi-instance calls.
 */
import type { JobEvent, JobStatus, JobType } from '../../../shared/events'
import type { JobState } from '../../../shared/reducer'

/** A chat message in the OpenAI chat-completions shape (what the engine sends upstream). */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool'
  content: string | null
  /** Assistant messages that asked for tools. */
  tool_calls?: Array<{ id: string, type: 'function', function: { name: string, arguments: string } }>
  /** Tool messages: the call this answers. */
  tool_call_id?: string
  name?: string
}

/** What a chat job was started with. */
export interface ChatJobRequest {
  type: 'chat'
  messages: ChatMessage[]
  model?: string
  /** Names of registered tools the client chose; `undefined` means every enabled tool. */
  tools?: string[]
  trace?: JobTraceContext
}

/** What a workflow job was started with. */
export interface WorkflowJobRequest {
  type: 'workflow'
  workflow: string
  input: unknown
  /** When set, the only tools its nodes may use (e.g. `[]` when tools are off for this user). */
  tools?: string[]
  trace?: JobTraceContext
}

/**
 * The span context of a job's first run, W3C `traceparent` form (`00-<trace id>-<span id>-<flags>`),
 * set by the engine when a tracing SDK recorded that run. A run that resumes the job on another
 * instance links its span to it. Providers store it as part of `request`; nothing reads it but
 * the engine (server/lib/telemetry/trace-context.ts).
 */
export interface JobTraceContext {
  traceparent: string
}

/** The request a job was created from; stored so another instance can resume it. */
export type JobRequest = ChatJobRequest | WorkflowJobRequest

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
  updatedAt: number
  endedAt: number | null
  /** The seq of the last stored event. */
  lastSeq: number
  lease: JobLease | null
}

/** What the engine passes to `create`. */
export type NewJobRecord = Omit<JobRecord, 'status' | 'updatedAt' | 'endedAt' | 'lastSeq' | 'lease'> & {
  lease?: JobLease | null
}

/** Filters for `list`. All given filters must match. */
export interface JobListFilter {
  userId: string
  status?: JobStatus[]
  threadId?: string
  messageId?: string
  /** Newest first; at most this many. @default 50 */
  limit?: number
}

/** Options of `appendEvents`. */
export interface AppendOptions {
  /** The writer's lease epoch; multi-instance providers refuse a stale one. */
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
  | { type: 'abort', userId: string }
  | { type: 'input', userId: string, requestId: string, answer: unknown }

/** A stored control, numbered per job in the order it was sent. */
export type StoredJobControl = JobControl & { id: string, sentAt: number }

/** The storage behind the engine. */
export interface JobProvider {
  readonly name: string
  /**
   * Creates a job, or returns the existing one when `userId` + `idempotencyKey` was seen before
   * (then `created` is false).
   */
  create(record: NewJobRecord): Promise<{ record: JobRecord, created: boolean }>
  get(id: string): Promise<JobRecord | null>
  list(filter: JobListFilter): Promise<JobRecord[]>
  /**
   * Appends events whose seqs continue the log without a gap (first seq = lastSeq + 1).
   * Status follows the events (`job-status`, `job-end`). Refused, with nothing written, when the
   * job is terminal (compare-and-set: nothing moves a job out of a terminal status), when the
   * seqs do not continue the log, or when the epoch is stale.
   */
  appendEvents(id: string, events: JobEvent[], options?: AppendOptions): Promise<AppendResult>
  /** Events with seq > afterSeq, or null if the job does not exist. */
  readEvents(id: string, afterSeq: number): Promise<EventRange | null>
  /** The reduced state of every stored event, or null if the job does not exist. */
  getState(id: string): Promise<JobState | null>
  /** Jobs not in a terminal status; per user when `userId` is given. */
  countActive(filter?: { userId?: string }): Promise<number>
  /** Deletes jobs that ended before `endedBefore`, with their events; returns how many. */
  deleteExpired(endedBefore: number, limit?: number): Promise<number>

  // Multi-instance (optional): the memory provider lives in one process and has no need of these.

  /**
   * Calls `listener` with events stored by any instance after `options.afterSeq` (default: after
   * this call), each exactly once, in seq order. Returns unsubscribe.
   */
  subscribe?(id: string, listener: EventListener, options?: { afterSeq?: number }): () => void
  /** Sends a control to the job's owner (abort, input answer). */
  sendControl?(id: string, control: JobControl): Promise<void>
  /**
   * Calls `listener` with controls sent after this call, or every control of the job with
   * `fromStart` (an owner starting or taking over a job, so nothing sent meanwhile is missed).
   */
  subscribeControls?(id: string, listener: (control: StoredJobControl) => void, options?: { fromStart?: boolean }): () => void
  /**
   * Calls `listener` with the user's jobs that were created, changed status or asked for input
   * after this call, in the order those changes committed, each change at least once (several
   * changes of one job between two deliveries may arrive as one record in its latest state).
   * Lets an instance notify a user of jobs that run elsewhere. Returns unsubscribe.
   */
  subscribeUserJobs?(userId: string, listener: (records: JobRecord[]) => void): () => void
  /** Takes the lease of a job if it is free or expired; returns the new lease or null. */
  claimLease?(id: string, instanceId: string, leaseMs: number): Promise<JobLease | null>
  /** Extends a held lease; false when another instance took it over. */
  heartbeatLease?(id: string, lease: JobLease, leaseMs: number): Promise<boolean>
  /** Active jobs whose lease expired before `now` (for recovery). */
  listExpiredLeases?(now: number, limit?: number): Promise<JobRecord[]>
  /** Releases resources (clients, subscriptions). */
  dispose?(): Promise<void>
}
