/**
 * One run of a job on this instance: its AbortController, timers, live log, write-behind queue,
 * pending input and metrics, and the RunContext handed to the runner. Every resource a run
 * holds is released in `release()`, so a finished run leaves nothing behind.
 */
import type { JobError, JobEvent, JobMetrics, TerminalStatus } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import type { BackgroundJobsConfig } from './config'
import type { EndStoredActions } from './end-stored'
import { settleEndStored } from './end-stored'
import { BackgroundJobsError, JobAbortedError } from './errors'
import { ModelError } from './model/errors'
import { upstreamFields } from './upstream-code'
import { InputRequests } from './input-requests'
import { LiveJob } from './live-job'
import type { PersistQueue } from './persist-queue'
import type { BatchClock } from './batch-clock'
import type { JobRecord } from './providers/types'
import type { InputRequestOptions, RunContext } from './run-context'
import type { JobTrace } from './telemetry/job-trace'
import { JobFailure } from './run-context'
import type { TimerSet } from './timers'

/** How a run ended. */
export interface RunOutcome {
  status: TerminalStatus
  error?: JobError
  /** A job that failed in a model round: the model that round's request named (its `job ended` line). */
  failedModel?: string
}

/** The resources of one run. */
export interface JobRun {
  record: JobRecord
  config: BackgroundJobsConfig
  live: LiveJob
  controller: AbortController
  timers: TimerSet
  persist: PersistQueue
  inputs: InputRequests
  metrics: JobMetrics
  /** When the run started here (`now()`: the wall clock; the time a question's expiry is counted from). */
  startedAt: number
  /**
   * When the run started here on `performance.now()`'s clock: what its duration, its time to first
   * token and its age in `engine.stats()` are measured from, so a wall-clock step (NTP, a VM
   * resumed) makes none of them negative or hours long.
   */
  monotonicStartedAt: number
  /**
   * When the job first started, on `performance.now()`'s clock: the run's start, or for a job taken
   * over its first start on any owner (job-start.ts). Its duration (`job-end` metrics'
   * `duration_ms`, `job_duration_ms`) and its time limit count from here.
   */
  jobStartedAt: number
  /**
   * When the job's time limit (`limits.jobTimeoutMs`) ends, on `performance.now()`'s clock: counted
   * from the run's start, or for a job taken over from its first start (job-start.ts).
   */
  timeLimitEndsAt: number
  /**
   * True when the job's stored state held text or reasoning as this run started: its first token
   * came on an owner that was lost, at a time this instance cannot know (it compares no two
   * instances' clocks), so the run times none (`first_token_ms` stays null).
   */
  firstTokenBefore: boolean
  /** How many rounds the job's stored state held as this run started (a lost owner's: their `step-start`s name their models). */
  stepsBefore: number
  /** The models this run's rounds called, in order (a repeat in a row kept once): `RunContext.modelCalled`. */
  modelsCalled: string[]
  /** Settles when the runner returned and the end was written. */
  done: Promise<void>
  /** True once the runner's code returned (or threw): an end stored before that waits for it (run-manager.ts). */
  codeReturned: boolean
  /** When the warning that its code had not returned after the job's end was logged (`performance.now()`), else null. */
  heldWarnedSince: number | null
  /** Set once the end is decided: settles when it was stored and reported (or the run was abandoned). */
  ending: Promise<void> | null
  /** True when another instance took the job over: end locally without writing. */
  abandoned: boolean
  /** What waits for the run's end to be stored (end-stored.ts: a cut-off tool call's count). */
  endStored: EndStoredActions
  /** The run's span (a no-op without a tracing SDK). */
  trace: JobTrace
  /** The id of the request that created the job (`X-Request-Id`, stored with it: a run taken over has it too): its log lines carry it. None for a job created outside a request. */
  requestId?: string
  /**
   * Before the run starts a tool, a node or a model round: `null` while its lease surely holds,
   * else a promise that settles once the store confirmed it (rejects when the job was lost). Always
   * `null` on a provider without leases.
   */
  confirmLease: () => Promise<void> | null
  /**
   * True while no other instance can own the job: its lease surely holds on this instance's clock
   * (lease-confirmation.ts). Always true on a provider without leases. Asks the store nothing.
   */
  leaseHolds: () => boolean
}

/** Abort reasons that end a job `aborted`; the others (time limit, shutdown, store trouble) end it `failed`. */
export const ABORTED_CODES: ReadonlySet<JobAbortedError['code']> = new Set(['aborted', 'input-timeout'])

/** Turns what a runner threw (or why it was aborted) into the job's outcome. */
export function outcomeOf(error: unknown, signal: AbortSignal): RunOutcome {
  const reason = signal.aborted ? signal.reason : error
  if (reason instanceof JobAbortedError) {
    // An input request's onTimeout `abort` aborts like the user would (docs/architecture.md), keeping its own code.
    if (ABORTED_CODES.has(reason.code)) return { status: 'aborted', error: { code: reason.code, message: reason.message } }
    return { status: 'failed', error: { code: reason.code, message: reason.message } }
  }
  if (error instanceof JobFailure) {
    return { status: 'failed', error: { code: error.code, message: error.message, ...error.details }, ...(error.model === undefined ? {} : { failedModel: error.model }) }
  }
  if (error instanceof ModelError) return { status: 'failed', error: { code: error.code, message: error.message, failedDuring: 'model', ...upstreamFields(error) } }
  // An unexpected error's text can name hosts, paths or queries, so the job (which its user reads)
  // says only that; the run logs the error itself. The layer's own errors are worded for the user.
  const message = isUnexpectedError(error) ? INTERNAL_ERROR_MESSAGE : (error as Error).message
  return { status: 'failed', error: { code: 'internal-error', message, failedDuring: 'engine' } }
}

/** What a job that failed on an unexpected error tells its user (the server logs the error). */
export const INTERNAL_ERROR_MESSAGE = 'The job stopped on an unexpected server error (logged on the server with the job id)'

/**
 * True for an error none of the layer's own failures explains (a bug, a driver's error): `outcomeOf`
 * keeps its text out of the job, and the run logs it.
 */
export function isUnexpectedError(error: unknown): boolean {
  return !(error instanceof JobAbortedError || error instanceof JobFailure || error instanceof ModelError || error instanceof BackgroundJobsError)
}

/**
 * The totals a run starts from: none for a new job; for a job taken over from a lost owner, the
 * rounds, tokens, tool calls and workflow node visits its stored events show, so the job's metrics
 * (`job-end`) count the whole job, not only this run (they said fewer rounds and tokens than its
 * steps, and only the nodes the last run started). A node visit counts once: the one a takeover
 * cut off, run again, is listed once in `executionOrder` and not counted again (workflow-run.ts).
 * Its duration and its time to first token count from the job's first start
 * (`JobRun.jobStartedAt`), the first token only when it came on this run (`JobRun.firstTokenBefore`).
 */
export function metricsSoFar(state: JobState): JobMetrics {
  const metrics = emptyMetrics()
  addMetrics(metrics, { total_rounds: state.steps.length, tool_call_count: state.toolCalls.length, nodes_executed: state.executionOrder.length })
  for (const step of state.steps) {
    if (step.usage) addMetrics(metrics, { tokens: step.usage })
  }
  for (const call of state.toolCalls) {
    if (call.durationMs) addMetrics(metrics, { tool_execution_time_ms: call.durationMs })
  }
  return metrics
}

/** Adds partial metrics into a run's totals. */
export function addMetrics(metrics: JobMetrics, add: Parameters<RunContext['addMetrics']>[0]): void {
  if (add.tool_call_count) metrics.tool_call_count += add.tool_call_count
  if (add.tool_execution_time_ms) metrics.tool_execution_time_ms += add.tool_execution_time_ms
  if (add.total_rounds) metrics.total_rounds += add.total_rounds
  if (add.nodes_executed) metrics.nodes_executed = (metrics.nodes_executed ?? 0) + add.nodes_executed
  if (add.tokens) {
    metrics.tokens.prompt += add.tokens.prompt ?? 0
    metrics.tokens.completion += add.tokens.completion ?? 0
    metrics.tokens.total += add.tokens.total ?? 0
  }
}

/** Options to create a run. */
export interface CreateRunOptions {
  record: JobRecord
  config: BackgroundJobsConfig
  state: JobState
  timers: TimerSet
  /** The engine's batching clock (every job's windows on one timer). */
  clock: BatchClock
  persist: PersistQueue
  now: () => number
  onCommit: (event: JobEvent) => void
  onInputRequest: (requestId: string, prompt: string, request: InputRequestOptions) => void
  /** A request is over (answered, expired, or ended with the run). */
  onInputSettled: (requestId: string) => void
  abort: (run: JobRun, reason: JobAbortedError) => void
  /** An event too large for the provider was committed shortened (for a log line). */
  onShortened?: (event: JobEvent, bytes: number) => void
  /** The lease epoch this run writes with (1 on the first owner). */
  epoch: number
  /** When the job first started on `performance.now()` (a job taken over: job-start.ts). @default now */
  jobStartedAtMs?: number
  trace: JobTrace
  /** See `JobRun.requestId`. */
  requestId?: string
}

/** Creates the resources of a run (not started yet). */
export function createJobRun(options: CreateRunOptions): JobRun {
  const controller = new AbortController()
  const live = new LiveJob({
    state: options.state,
    clock: options.clock,
    persist: options.persist,
    batchWindowMs: options.config.stream.batchWindowMs,
    now: options.now,
    epoch: options.epoch,
    onCommit: options.onCommit,
    onShortened: options.onShortened,
    // An event no write could hold even shortened ends the job with a clear error instead of blocking the log.
    onUnstorable: (event, bytes) => options.abort(run, new JobAbortedError('event-too-large', `A ${event.type} event of ${bytes} bytes is larger than the provider stores in one write (${options.persist.maxEventBytes} bytes)`)),
  })
  const monotonicStartedAt = performance.now()
  const jobStartedAt = options.jobStartedAtMs ?? monotonicStartedAt
  const run: JobRun = {
    record: options.record,
    config: options.config,
    live,
    controller,
    timers: options.timers,
    persist: options.persist,
    inputs: undefined as unknown as InputRequests,
    metrics: metricsSoFar(options.state),
    startedAt: options.now(),
    monotonicStartedAt,
    jobStartedAt,
    timeLimitEndsAt: jobStartedAt + options.config.limits.jobTimeoutMs,
    firstTokenBefore: options.state.content !== '' || options.state.reasoning !== '',
    stepsBefore: options.state.steps.length,
    modelsCalled: [],
    done: Promise.resolve(),
    codeReturned: false,
    heldWarnedSince: null,
    ending: null,
    abandoned: false,
    endStored: [],
    trace: options.trace,
    ...(options.requestId === undefined ? {} : { requestId: options.requestId }),
    confirmLease: () => null,
    leaseHolds: () => true,
  }
  run.inputs = new InputRequests({
    live,
    timers: options.timers,
    signal: controller.signal,
    defaultTimeoutMs: options.config.limits.inputTimeoutMs,
    now: options.now,
    // The time limit (run-manager.ts) on this clock: the run's start plus what it had left then.
    jobEndsAt: () => run.startedAt + (run.timeLimitEndsAt - run.monotonicStartedAt),
    jobAgeMs: () => performance.now() - run.jobStartedAt,
    abortJob: reason => options.abort(run, reason),
    onRequest: (requestId, request) => options.onInputRequest(requestId, request.prompt, request),
    onSettled: requestId => options.onInputSettled(requestId),
  })
  return run
}

/** Timers a run holds: its own and its open batching window (tests prove none stays behind). */
export function runTimerCount(run: JobRun): number {
  return run.timers.size + (run.live.windowOpen ? 1 : 0)
}

/** Frees everything a run holds. Safe to call twice. */
export function releaseRun(run: JobRun): void {
  settleEndStored(run, false)
  run.timers.clearAll()
  run.persist.close()
  run.live.close()
}
