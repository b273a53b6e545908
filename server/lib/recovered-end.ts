/**
 * Ending a job a lost owner left behind without running it again (cluster.ts): `failed` with the
 * stored text kept (`owner-lost`, or `invalid-request` for a stored request no longer valid),
 * `aborted` when its user aborted it while nobody owned it — or `completed` for a chat whose
 * final round the lost owner stored before it died (only the end, one write later, was not):
 * its answer is whole, not cut off.
 */
import type { JobError, JobEvent } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { applyEvent, isToolOutcome } from '../../shared/reducer'
import type { BackgroundJobsConfig } from './config'
import { answeredBefore, prefillOf } from './executor/continuation'
import { filteredAnswer, isFilteredAnswer } from './executor/filtered-answer'
import type { RoundTextStarts } from './executor/round-text'
import { countToolResult } from './executor/tool-metrics'
import { failedJobEnd } from './failed-end'
import { logJobEnded, modelFields, workflowField } from './job-end-log'
import { creatingRequestIdOf } from './creating-request-id'
import { metricsSoFar } from './job-run'
import type { Logger } from './logger'
import { useMetrics } from './metrics'
import type { JobLease, JobProvider, JobRecord } from './providers/types'
import { traceRecoveredEnd } from './telemetry/job-trace'
import type { ToolRegistry } from './tools/types'

/** What ending recovered jobs needs. */
export interface RecoveredEndsOptions {
  /** `readEvents`, when given, reads an end back whose write threw (its reply may be all that was lost). */
  provider: Pick<JobProvider, 'appendEvents'> & Partial<Pick<JobProvider, 'readEvents'>>
  logger: Logger
  now: () => number
  /** The registered tools (a call's `tool` label in `tool_runs_total`). */
  tools: Pick<ToolRegistry, 'get'>
  /** An end stored here: the app's `job-ended` hook hears of it, as of every end (not awaited: the scan goes on). */
  jobEnded?: (job: JobRecord, state: JobState) => Promise<void>
}

/** Which instance lost the job (null: not known) and which ended it: this one (the takeover lines). */
export interface RecoveredOwners { instanceId: string, lostOwner: string | null }

/** How a recovered job ends. */
type RecoveredOutcome = { status: 'completed' } | { status: 'failed' | 'aborted', error: JobError }

/** Creates the ends of recovered jobs. */
export function createRecoveredEnds(options: RecoveredEndsOptions) {
  const { provider, logger, now } = options

  /**
   * Writes the end. A write that threw may have been stored all the same (a timeout: only the reply
   * was lost); the next scan no longer lists an ended job, so nothing would count, log or report
   * that end: it is read back, and when the stored end is this one (same seq, status, time and
   * epoch) the write counts as done. Else (not stored, or unreadable) the write's error stands.
   */
  async function appendEnd(jobId: string, end: JobEvent, epoch: number): Promise<{ ok: boolean }> {
    try {
      return await provider.appendEvents(jobId, [end], { epoch })
    }
    catch (error) {
      const range = await provider.readEvents?.(jobId, end.seq - 1).catch(() => null)
      const stored = range?.events.find(event => event.seq === end.seq)
      const same = stored?.type === 'job-end' && end.type === 'job-end' && stored.status === end.status && stored.at === end.at && (stored.epoch ?? 1) === (end.epoch ?? 1)
      if (same) return { ok: true }
      throw error
    }
  }

  /**
   * Stores `outcome` as the job's end under the claimed lease; true once stored. `jobStartedAtMs`:
   * when the job first started, on `performance.now()` (job-start.ts) — its duration counts from
   * there, as a run's end does (run-end.ts); 0 when not known.
   */
  async function store(record: JobRecord & { lease: JobLease }, state: JobState, config: BackgroundJobsConfig, outcome: RecoveredOutcome, jobStartedAtMs?: number, owners?: RecoveredOwners): Promise<boolean> {
    const { epoch } = record.lease
    const seq = state.seq + 1
    // What the lost owner's stored steps and calls add up to, as a takeover run's end counts them,
    // and the whole job's duration.
    const metrics = metricsSoFar(state)
    if (jobStartedAtMs !== undefined) metrics.duration_ms = Math.max(0, Math.round(performance.now() - jobStartedAtMs))
    const end: Extract<JobEvent, { type: 'job-end' }> = outcome.status === 'completed'
      ? { type: 'job-end', status: 'completed', metrics, seq, at: now(), ...(epoch > 1 ? { epoch } : {}) }
      : { ...failedJobEnd(seq, now(), outcome.error, epoch) as Extract<JobEvent, { type: 'job-end' }>, status: outcome.status, metrics }
    const error = outcome.status === 'completed' ? undefined : outcome.error
    const result = await appendEnd(record.id, end, epoch)
    logger.info('ended a job whose owner was lost', { jobId: record.id, status: outcome.status, ...(error ? { code: error.code } : {}), ok: result.ok, ...owners, requestId: creatingRequestIdOf(record.request) })
    // This instance wrote the end: count it (jobs_ended_total, job_errors_total{code="owner-lost"})
    // and log it as every end is logged.
    if (result.ok) {
      useMetrics().recordEvent(record.id, end)
      // Calls the lost owner left unanswered end `error` with the failed job: counted, as a run
      // that resumes a job counts them (tool_runs_total).
      if (end.status === 'failed') for (const call of state.toolCalls) if (!isToolOutcome(call.status)) countToolResult(options.tools, call.name, 'error')
      // Traced first: the line carries the trace of this end (docs/observability.md, Logs to traces).
      const traceId = traceRecoveredEnd(record, record.lease, config, now(), error, outcome.status, end.metrics, modelFields(state.steps))
      logJobEnded(logger, { jobId: record.id, type: record.type, ...workflowField(record.request), instanceId: record.lease.instanceId, ...(traceId ? { traceId } : {}), requestId: creatingRequestIdOf(record.request), steps: state.steps }, outcome.status, error, end.metrics)
      const ended = applyEvent(state, end)
      void options.jobEnded?.({ ...record, status: ended.status, endedAt: ended.endedAt, lastSeq: end.seq }, ended)
    }
    return result.ok
  }

  /**
   * Ends a recovered job `failed` with `failure` — `aborted` when its user aborted it while nobody
   * owned it (`abortedMeanwhile`). `jobStartedAtMs`: as for `store`.
   */
  function endRecovered(record: JobRecord & { lease: JobLease }, state: JobState, config: BackgroundJobsConfig, failure: JobError, abortedMeanwhile = false, jobStartedAtMs?: number, owners?: RecoveredOwners): Promise<boolean> {
    return store(record, state, config, abortedMeanwhile ? { status: 'aborted', error: { code: 'aborted', message: 'Aborted by the user' } } : { status: 'failed', error: failure }, jobStartedAtMs, owners)
  }

  /**
   * Ends a chat job whose owner was lost: `failed`, code `owner-lost`, the stored text kept
   * (`aborted` if aborted meanwhile); `completed` when its final round was stored (answeredBefore),
   * but `failed` with `upstream-content-filter` when the content filter ended that round before any
   * text, as its owner would have (filtered-answer.ts; `textStarts`: where each round began,
   * round-text.ts). `jobStartedAtMs`: as for `store`.
   */
  function endLostChat(record: JobRecord & { lease: JobLease }, state: JobState, config: BackgroundJobsConfig, abortedMeanwhile: boolean, textStarts?: RoundTextStarts, jobStartedAtMs?: number, owners?: RecoveredOwners): Promise<boolean> {
    if (!abortedMeanwhile && answeredBefore(state)) {
      if (!isFilteredAnswer(state.steps.findLast(step => !step.nodeId)?.finishReason, prefillOf(state, textStarts))) return store(record, state, config, { status: 'completed' }, jobStartedAtMs, owners)
      const filtered = filteredAnswer()
      return endRecovered(record, state, config, { code: filtered.code, message: filtered.message, ...filtered.details }, false, jobStartedAtMs, owners)
    }
    return endRecovered(record, state, config, { code: 'owner-lost', message: 'The server running this job stopped; the text so far is kept', failedDuring: 'engine' }, abortedMeanwhile, jobStartedAtMs, owners)
  }

  return { endRecovered, endLostChat }
}
