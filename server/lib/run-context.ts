/**
 * What the engine hands to the code that runs inside a job (the chat executor, workflow runner).
 * The engine owns seq numbers, batching, timers, abort and persistence; a runner only emits.
 */
import type { RoundTextStarts } from './executor/round-text'
import type { InputRequestKind, InputTimeoutAction, JobEventPayload, JobMetrics, TextDeltaPayload, ReasoningDeltaPayload, JobEndPayload, TokenUsage, ToolProgressPayload } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import type { BackgroundJobsConfig } from './config'
import type { ToolIsolation } from './isolation/tool-pool'
import type { ModelClient, ModelRequest } from './model/types'
import type { Logger } from './logger'
import type { TimerSet } from './timers'
import type { ToolRegistry } from './tools/types'
import type { WorkflowRegistry } from './workflows/types'

/** An event a runner emits: anything but deltas (use `text`/`reasoning`) and `job-end` (the engine's). */
export type RunnerEventPayload = Exclude<JobEventPayload, TextDeltaPayload | ReasoningDeltaPayload | JobEndPayload>

/** What a runner asks a human. */
export interface InputRequestOptions {
  kind: InputRequestKind
  prompt: string
  /** How long to wait; defaults to `limits.inputTimeoutMs`. */
  timeoutMs?: number
  onTimeout: InputTimeoutAction
  /** The answer used when the request expires with `onTimeout` = `default` (or approve/deny). */
  timeoutAnswer?: unknown
  toolCallId?: string
  tool?: string
  args?: unknown
  /** JSON Schema of the answer, shown to clients. */
  schema?: unknown
  /**
   * Asked again after a takeover: when the question was first asked, as the job's age then (its
   * first `input-request`'s `askedAtJobMs`). The wait counts from then: it expires when it first
   * would have, not a whole `timeoutMs` after the takeover.
   */
  askedAtJobMs?: number
  /**
   * Asked again because the answer an earlier request of this visit took no longer fits (a deploy
   * changed the node's schema): that request's id, kept in the `input-request` (`replaces`).
   */
  replaces?: string
  /**
   * Checks an answer before it is accepted. Return the parsed answer, or throw an `InvalidAnswerError`
   * (the route answers 400 naming the problem and the job keeps waiting).
   */
  validate?: (answer: unknown) => unknown
  nodeId?: string
  /**
   * The asker's own signal (a workflow node's: a parallel fan-out that gave up, the node's time
   * limit). When it fires before the job's, the request is withdrawn: answered `null` by
   * `system:cancelled`, its expiry cleared, the promise rejected with the signal's reason.
   */
  signal?: AbortSignal
}

/** The accepted answer. */
export interface InputAnswer {
  requestId: string
  answer: unknown
  answeredBy: string
  /** True when nobody answered and `onTimeout` supplied the answer. */
  timedOut: boolean
}

/** Everything a runner needs. One per job run. */
export interface RunContext {
  jobId: string
  userId: string
  threadId: string | null
  /** Fires on abort, timeout and shutdown; pass it to every await that can take long. */
  signal: AbortSignal
  /** The configuration read when the job started. */
  config: BackgroundJobsConfig
  model: ModelClient
  tools: ToolRegistry
  /** Runs isolated tools in worker threads; absent → an isolated tool ends with an error result. */
  isolation?: ToolIsolation
  workflows: WorkflowRegistry
  /** The run's timers: every time limit a runner sets is one of them (counted, cleared at the end). */
  timers: TimerSet
  /** The model to use when the request names none. */
  defaultModel: string
  /** The engine's logger: what the app's own code does wrong in a run (a tool's schema that throws). */
  logger?: Logger
  /** Appends streamed text (merged in the batching window; offsets are the engine's job). */
  text(delta: string, nodeId?: string): void
  /** Appends streamed reasoning. */
  reasoning(delta: string, nodeId?: string): void
  /** Emits any other event; it flushes pending deltas first, so order is kept. */
  emit(event: RunnerEventPayload & { nodeId?: string }): void
  /**
   * Records a running tool call's progress (a `tool-progress` event), merged: each call stores at
   * most one per 250 ms, the latest (docs/tool-progress.md#cost).
   * A context that wraps another (a workflow node's) passes it on: `emit` would not merge them.
   */
  toolProgress(event: ToolProgressPayload & { nodeId?: string }): void
  /**
   * The current reduced state (includes pending deltas). Read it, do not keep it: the run's next
   * event may change its lists in place (copy what must outlive that).
   */
  state(): JobState
  /**
   * The last two UTF-16 units of the job's content or reasoning so far (pending deltas included):
   * what a paragraph break is judged on. Read without the whole text: `endsWith` on a long job's
   * text (a string built by appending) copies all of it first. Absent: read from `state()`.
   */
  textEnd?(kind: 'content' | 'reasoning'): string
  /**
   * Asks a human. The job shows `waiting` until answered; resolves with the answer (or the
   * `onTimeout` answer); rejects with the abort reason if the job is aborted, or if `onTimeout`
   * is `abort` (the engine aborts the job) or `fail` (the engine fails the job).
   */
  requestInput(options: InputRequestOptions): Promise<InputAnswer>
  /**
   * Called before a tool, a node or a model round starts: `null` (go on at once) while this
   * instance surely holds the job's lease, else a promise that settles once the store confirmed it,
   * or rejects with the abort reason when another instance took the job over meanwhile (an owner
   * that was frozen or cut off from the store). Absent: no lease to confirm.
   */
  confirmLease?(): Promise<void> | null
  /**
   * How long the job has run: ms from its first start, on every owner (job-start.ts lays a taken
   * over job's start back on the store's clock). What a workflow node's time across takeovers is
   * counted on. Absent: not known (a node's time starts at each run).
   */
  jobAgeMs?(): number
  /** Lets the app adjust an upstream request (the `background-jobs:upstream-request` hook). */
  prepareModelRequest(request: ModelRequest): Promise<ModelRequest>
  /**
   * A model round's request was sent to `model` (as the hook left it): the job's `model` and
   * `models` (its `job ended` line, its span) count it, a round that ends without a `step-end` (an
   * error, an abort, a time limit) included. Absent: only the rounds' events name models (their `step-start`, their `step-end`).
   */
  modelCalled?(model: string): void
  /**
   * Runs `action` once the job's end is stored by this run (at once when it already is), never
   * when it is not (another instance ends the job): a count of what the end cut off (end-stored.ts).
   * Absent: run it at once.
   */
  afterEndStored?(action: () => void): void
  /**
   * Runs `action` once every event this run emitted so far is stored (its writes are not refused
   * or given up: another instance owns the job then, and reads the store), never when it is not: a
   * tool call's count, so one call counts once across a takeover (tool-metrics.ts). Absent: run it at once.
   */
  afterStored?(action: () => void): void
  /**
   * Logs a failure of the tool `tool` (`log`, the whole line), or counts it when that tool failed
   * just before, in any job of this engine: a tool that fails at every call (its API down) logs its
   * first failure and one count line a minute (repeated-failure-log.ts). Absent: `log` at once.
   */
  toolFailed?(tool: string, log: () => void, error: unknown): void
  /**
   * Logs a refusal of the tool `tool` (a `ToolError`, `message` its text), or counts it when that
   * tool refused the same way just before, in any job of this engine (tool-failure-log.ts). Absent: `log` at once.
   */
  toolRefused?(tool: string, log: () => void, message: string): void
  /** Adds to the job's metrics (counts add up; tokens add up). */
  addMetrics(metrics: Partial<Omit<JobMetrics, 'tokens'>> & { tokens?: Partial<JobMetrics['tokens']> }): void
  /**
   * The most UTF-8 bytes of JSON one event may take in the job's store (a bigger one is stored
   * shortened). Absent: no limit.
   */
  readonly maxEventBytes?: number
  /** Runs recorded for restart-safety: outputs of workflow nodes that already finished (from the log). */
  readonly resumedFrom: JobState | null
  /** A chat continued after a takeover: where each of its rounds began in `resumedFrom.content` (round-text.ts). */
  readonly resumedTextStarts?: RoundTextStarts
}

/**
 * A failure that ends the job as `failed` with this code and message (partial content kept).
 * Anything else thrown by a runner becomes `internal-error`.
 */
export class JobFailure extends Error {
  override readonly name = 'JobFailure'
  /** The tokens a model round that failed this way spent, when the upstream said (its span shows them). */
  usage?: TokenUsage
  /** The model the request of the round that failed this way named (the `job ended` line's `model`). */
  model?: string
  constructor(
    readonly code: string,
    message: string,
    readonly details: { failedDuring?: string, toolName?: string, nodeId?: string, httpStatus?: number, upstreamCode?: string } = {},
  ) {
    super(message)
  }
}

/** A runner: resolves when the job completed; throws `JobFailure` (or anything) when it failed. */
export type JobRunner = (context: RunContext) => Promise<void>
