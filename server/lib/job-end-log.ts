/**
 * The `job ended` line (docs/logs.md), one per stored end, whoever wrote it: the run that
 * ended the job, or recovery ending a job whose owner was lost. A failure is a warning naming
 * where it happened (model, tool, node) by id and name only, and the upstream's HTTP status for a
 * model endpoint's error answer: its message can quote the upstream's answer or a tool's error, so
 * it stays in the job. What the job spent is there too — its rounds, tool calls and token `usage`
 * (its `job-end` metrics: the whole job, a lost owner's stored rounds included) — so the jobs behind
 * a token bill can be found in the logs; named `usage`, as a field named like `tokens` is redacted.
 * So are the models its rounds ran on (`model`, `models`: `modelFields`), read from its state's
 * steps once at the end — never per streamed piece.
 * How long it took is there as well (`durationMs`, `firstOutputMs`: the time to first token — a field named like `token` would be redacted —, `toolTimeMs`),
 * so the slow jobs behind a latency histogram can be found by id.
 * An aborted job is no error (docs/observability.md): its line is `info` and names what ended it as
 * `abortCode` — `aborted` (its user), `input-timeout` (a question's `onTimeout: 'abort'`) — the
 * `code` that `job_aborts_total` counts it under, never as `error`.
 * A workflow job's line names its workflow (`workflow`), as its `job created` line does; every
 * line names the instance that wrote the end (`instanceId`, the takeover lines' field): with N
 * instances, which one ran (or ended) the job. Known without a read: the engine's own id, or the
 * lease the end was written under.
 */
import type { JobError, JobMetrics, JobStatus, JobType } from '../../shared/events'
import type { StepState } from '../../shared/state-entries'
import type { JobRun } from './job-run'
import type { Logger } from './logger'
import type { JobRequest } from './providers/types'
import { upstreamStatusOf } from './upstream-status'

/** What ended a job, for a log line: `abortCode` for an abort (no error), else `error` (the code), or nothing. */
export function endCodeFields(status: JobStatus, error: JobError | undefined): { abortCode: string } | { error: string } | Record<string, never> {
  if (!error) return {}
  return status === 'aborted' ? { abortCode: error.code } : { error: error.code }
}

/**
 * The `workflow` field of a workflow job's lines (`job created`, `job ended`, `resuming a job whose
 * owner was lost`): which workflow, for "which workflow's jobs fail?" — a registered name (bounded,
 * the app's own), as the job span's `background_jobs.workflow.name`. A chat's lines have none.
 */
export function workflowField(request: JobRequest): { workflow: string } | Record<string, never> {
  // A record damaged in the store may hold none (recovery ends it `invalid-request`, and logs that end).
  const stored = request as JobRequest | null
  return stored?.type === 'workflow' ? { workflow: stored.workflow } : {}
}

/** The `traceId` field of a job's lines: its run's trace, when one is recorded (docs/logs.md). */
export function traceField(traceId: string | undefined): { traceId: string } | Record<string, never> {
  return traceId ? { traceId } : {}
}

/**
 * Which models a job's rounds ran on (`step-start`'s and `step-end`'s `model`, a lost owner's stored rounds included):
 * `model`, that of its last round that named one — the model that gave the answer, or the last
 * one asked: `failed`, the model of the round the job failed in, which has no `step-end` —, and
 * `models`, every one in the order first used, only when there were several (a workflow's agent
 * nodes, a hook that switches). None for a job with no such round.
 */
export function modelFields(steps: readonly Pick<StepState, 'model'>[], failed?: string): { model?: string, models?: string[] } {
  const models: string[] = []
  let last: string | undefined
  for (const { model } of failed === undefined ? steps : [...steps, { model: failed }]) {
    if (model === undefined) continue
    last = model
    if (!models.includes(model)) models.push(model)
  }
  return last === undefined ? {} : models.length > 1 ? { model: last, models } : { model: last }
}

/**
 * The rounds whose models a run's end names (`modelFields`): those its job's stored state held as
 * the run started (a lost owner's, named by their `step-start`s: one it was cut off in too), then every round this run called,
 * in order — one that ended without a `step-end` (an error a workflow's parallel branch hid, an
 * abort, a time limit) included, which the rounds' events alone do not name.
 */
export function runRounds(run: Pick<JobRun, 'live' | 'stepsBefore' | 'modelsCalled'>): Pick<StepState, 'model'>[] {
  return [...run.live.peek().steps.slice(0, run.stepsBefore), ...run.modelsCalled.map(model => ({ model }))]
}

/**
 * Logs the end of job `jobId` (written by instance `instanceId`), with the metrics of its `job-end` event, the models its rounds ran
 * on (`steps`, of its state or `runRounds`; `failedModel`, the round it failed in) and the id of the request that created it (stored with the job: a
 * run taken over names it too); `requestId: undefined` names none, not a request handled when the
 * line is written (request-scope.ts).
 */
export function logJobEnded(logger: Logger, job: { jobId: string, type: JobType, workflow?: string, instanceId: string, traceId?: string, requestId?: string, steps: readonly Pick<StepState, 'model'>[], failedModel?: string }, status: JobStatus, error: JobError | undefined, metrics: JobMetrics): void {
  const httpStatus = upstreamStatusOf(error)
  // Where a failure happened; an abort is no failure: what ended it is all it says.
  const where = error && status !== 'aborted'
    ? { ...(error.failedDuring ? { failedDuring: error.failedDuring } : {}), ...(error.toolName ? { toolName: error.toolName } : {}), ...(error.nodeId ? { nodeId: error.nodeId } : {}), ...(httpStatus === undefined ? {} : { httpStatus }) }
    : {}
  const cause = { ...endCodeFields(status, error), ...where }
  const spent = { rounds: metrics.total_rounds, toolCalls: metrics.tool_call_count, usage: { ...metrics.tokens } }
  // Where its time went, for "which jobs are slow?" (metrics have no job id): the run's duration,
  // its time to first token when one came, and its tools' time when it called any.
  const took = {
    durationMs: metrics.duration_ms,
    ...(metrics.first_token_ms === null || metrics.first_token_ms === undefined ? {} : { firstOutputMs: metrics.first_token_ms }),
    ...(metrics.tool_call_count > 0 ? { toolTimeMs: metrics.tool_execution_time_ms } : {}),
  }
  logger[status === 'failed' ? 'warn' : 'info']('job ended', { jobId: job.jobId, type: job.type, ...(job.workflow === undefined ? {} : { workflow: job.workflow }), instanceId: job.instanceId, status, ...cause, ...modelFields(job.steps, job.failedModel), ...spent, ...took, ...traceField(job.traceId), requestId: job.requestId })
}
