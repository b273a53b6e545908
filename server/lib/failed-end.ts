/**
 * The `job-end` event of a job ended by someone other than its run: recovery (the owner was lost)
 * or a provider (a creation the store ran only after the caller had given up on it). `failed`,
 * with no metrics of a run (recovery puts in the totals of the lost owner's stored steps), the
 * stored text kept.
 */
import { emptyMetrics } from '../../shared/events'
import type { JobError, JobEvent, JobType } from '../../shared/events'
import { creatingRequestIdOf } from './creating-request-id'
import { logJobEnded } from './job-end-log'
import type { Logger } from './logger'
import type { Metrics } from './metrics'

/** A failed end at `seq`, written under lease `epoch` (1 when absent). */
export function failedJobEnd(seq: number, at: number, error: JobError, epoch = 1): JobEvent {
  return { type: 'job-end', status: 'failed', error, metrics: emptyMetrics(), seq, at, ...(epoch > 1 ? { epoch } : {}) }
}

/** The end of a job `store` committed after its creation had timed out (answered 503): it never started. */
export function lateCreationEnd(store: string, seq: number, at: number): JobEvent {
  return failedJobEnd(seq, at, { code: 'store-unreachable', message: `${store} stored this job only after its creation had timed out (answered 503), so it never started`, failedDuring: 'engine' })
}

/**
 * Reports the end a provider stored for a late creation, as every stored end is reported: counted
 * (`jobs_ended_total`, `job_errors_total`; not timed, it never ran) and logged (`job ended`). The
 * user sees the failed job in their list; without this the operator had no line with its id.
 * `request` is the one the creation sent: the line names its `requestId`, as every other end's
 * does (the request answered 503 — the id its client and the app's access log have) — and
 * `instanceId`, the instance that created it (its lease's), which ends it.
 */
export function reportLateCreationEnd(report: { logger: Logger, metrics: Metrics }, job: { id: string, type: JobType, request: unknown, instanceId: string }, end: JobEvent): void {
  if (end.type !== 'job-end') return
  report.metrics.recordEvent(job.id, end)
  logJobEnded(report.logger, { jobId: job.id, type: job.type, instanceId: job.instanceId, requestId: creatingRequestIdOf(job.request), steps: [] }, end.status, end.error, end.metrics)
}
