/**
 * The engine's public shapes: options, hooks, inputs and stats.
 */
import type { JobState } from '../../shared/reducer'
import type { BackgroundJobsConfig } from './config'
import type { ChatMessageMetadataContext } from './hooks'
import type { ToolIsolation } from './isolation/tool-pool'
import type { Logger } from './logger'
import type { ModelClient, ModelRequest } from './model/types'
import type { ChatJobRequest, JobListBound, JobListFilter, JobProvider, JobRecord, JobRequest, WorkflowJobRequest } from './providers/types'
import type { RunContext } from './run-context'
import type { TimerSet } from './timers'
import type { ToolRegistry } from './tools/types'
import type { WorkflowRegistry } from './workflows/types'

/** App hooks. Errors thrown by a hook are logged and never reach the job. */
export interface EngineHooks {
  jobCreated?: (job: JobRecord) => void | Promise<void>
  /** With the final state, so an app can store the answer in its own database. */
  jobEnded?: (job: JobRecord, state: JobState) => void | Promise<void>
  /** Adjust an upstream request (headers, model, body) per job and round. */
  upstreamRequest?: (context: { job: JobRecord, request: ModelRequest }) => void | Promise<void>
  /** The AI SDK message metadata of a chat answer's `start` or `finish`: set `context.metadata` (called by the chat routes). */
  chatMessageMetadata?: (context: ChatMessageMetadataContext) => void | Promise<void>
  /**
   * Whether an app listens to a hook now; when not, it is skipped: the engine makes no call and
   * starts no time bound, the chat routes read no record for `chatMessageMetadata`. @default true
   */
  isListening?: (name: 'jobCreated' | 'jobEnded' | 'upstreamRequest' | 'chatMessageMetadata') => boolean
}

/** What runs a job of each type. */
export interface JobRunners {
  chat: (context: RunContext, request: ChatJobRequest) => Promise<void>
  workflow?: (context: RunContext, request: WorkflowJobRequest) => Promise<void>
}

/** Options of `createEngine`. */
export interface EngineOptions {
  provider: JobProvider
  /** Read on every call, so a changed configuration applies without rebuilding. */
  getConfig: () => BackgroundJobsConfig
  /**
   * Makes the model client of one run; its timers should be the run's. `timeLeftMs`: the time the
   * job has left before `limits.jobTimeoutMs` (a `Retry-After` longer than that is not waited for).
   */
  createModelClient: (config: BackgroundJobsConfig, run: { timers: TimerSet, timeLeftMs: () => number }) => ModelClient
  runners: JobRunners
  tools: ToolRegistry
  /** Runs isolated tools; the engine disposes it. Without it an isolated tool ends with an error result. */
  isolation?: ToolIsolation
  workflows: WorkflowRegistry
  hooks?: EngineHooks
  logger?: Logger
  /** @default Date.now */
  now?: () => number
  /** @default config.instanceId or a random id */
  instanceId?: string
  /**
   * Whether `dispose` tells the other instances this one is gone (its registration removed). False
   * where a successor with the same id may already be up (`devReloadKeepsRegistration`).
   * @default true
   */
  leaveOnDispose?: boolean
}

/** What a caller asks to start. */
export interface CreateJobInput {
  request: JobRequest
  threadId?: string | null
  messageId?: string | null
  idempotencyKey?: string | null
  /**
   * With `idempotencyKey`: the fingerprint of the request as the client sent it (idempotency.ts).
   * The key coming again with another fingerprint is refused (422) rather than answered with the
   * first job. The HTTP route sets it; without it any request gets the key's job back.
   */
  requestFingerprint?: string
  /**
   * The 400 the route answers this request with under the current settings (a lower limit, a model
   * no longer allowed) or a rule added since (the assistant's message last, chat-job-input.ts),
   * when it came with `idempotencyKey`: it may be the retry of a job an earlier
   * version of the app took. Only the key's job is answered (nothing is created); without one,
   * this error is thrown.
   */
  refusedBySettings?: Error
  title?: string
  /**
   * The creating request's W3C `traceparent` header. The job span links to it when no span is
   * active (an app without HTTP instrumentation whose client or proxy sends trace context).
   */
  traceparent?: string | null
  /**
   * Count the creation against `limits.createPerMinute` (a 429 when the user's window is full).
   * The HTTP routes set it; it is counted by the store in the same step as the insert, so an
   * idempotent retry or a creation refused by a concurrency limit is never counted. A creation
   * its request's check refuses (a 400) is counted too (refused-creations.ts).
   */
  limitRate?: boolean
  /**
   * For an anonymous user: the client address, whose window of `limits.anonymousCreatePerMinute`
   * counts the creation too (with `limitRate`) — in the same step, so it is never counted for a
   * retry or a refused creation either — and under which the job counts against
   * `limits.maxConcurrentAnonymousJobsPerAddress` while it is active (http/anonymous-creation.ts).
   */
  anonymousAddress?: string
  /**
   * The caller makes room and tries again when a concurrency limit refuses this creation (a new
   * answer that replaces a running one): that refusal is no 429, so it is not counted in
   * `jobs_refused_total` (the second attempt's is, if it comes; a caller that finds no room to make
   * counts it itself: `countConcurrencyRefusal`).
   */
  retriedWhenRefused?: boolean
  /**
   * The user's active jobs the caller ends once this one is created (the answers a new AI SDK turn
   * supersedes or replaces): the concurrency limits count those still active as free, so the
   * creation takes its slot — and its rate — before any of them is ended, and a refusal ends none.
   * One that another request ended meanwhile (two tabs writing past the same answer at once) frees
   * nothing: its slot went to that request's job.
   */
  endsActiveJobs?: readonly string[]
}

/** A job as clients see it (shared with the client). */
export type { JobSummary } from '../../shared/api-types'

/** Internal counts, for tests and the metrics route. Every one is zero once all jobs are gone. */
export interface EngineStats {
  runs: number
  viewers: number
  remoteFeeds: number
  jobTimers: number
  pendingInputs: number
  notificationUsers: number
  notificationSinks: number
  /** Users whose jobs on other instances are followed for their notification streams. */
  userFeeds: number
  /** Engine-wide timers: the heartbeat (while any viewer) and the retention cleanup interval (from the first job until dispose). */
  engineTimers: number
  /** Isolated tool calls running or waiting for a worker. */
  isolatedCalls: number
  /** Of those, the calls waiting for a free worker. */
  isolatedCallsWaiting: number
  /** Live isolation worker threads (up to `isolation.minWorkers` stay warm when idle). */
  isolationWorkers: number
  /** Committed events of this instance's runs not yet stored (the write-behind backlog; grows while the store is down or slow). */
  unpersistedEvents: number
  /** Ms since the oldest run this instance owns started here (its creation or takeover); 0 with none. */
  oldestRunAgeMs: number
  /** Ms since the oldest input request open on this instance's runs was asked; 0 with none. */
  oldestInputWaitMs: number
}

/**
 * Filter for listing a user's jobs (the user id comes from the request). `before` takes the `next`
 * of `listJobPage` as it came: `null` (no older page) reads from the newest, as when left out.
 */
export type ListJobsFilter = Omit<JobListFilter, 'userId' | 'before'> & { before?: JobListBound | null }
