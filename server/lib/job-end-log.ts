/**
 * The `job ended` line (docs/ops.md › Logs), one per stored end, whoever wrote it: the run that
 * ended the job, or recovery ending a job whose owner was lost. A failure is a warning naming
 * where it happened (model, tool, node) by id and name only, and the upstream's HTTP status for a
 * model endpoint's error answer: its message can quote the upstream's answer or a tool's error, so
 * it stays in the job.
 */
import type { JobError, JobStatus, JobType } from '../../shared/events'
import type { Logger } from './logger'
import { upstreamStatusOf } from './upstream-status'

/** Logs the end of job `jobId`. */
export function logJobEnded(logger: Logger, job: { jobId: string, type: JobType }, status: JobStatus, error?: JobError): void {
  const httpStatus = upstreamStatusOf(error)
  const cause = error ? { error: error.code, ...(error.failedDuring ? { failedDuring: error.failedDuring } : {}), ...(error.toolName ? { toolName: error.toolName } : {}), ...(error.nodeId ? { nodeId: error.nodeId } : {}), ...(httpStatus === undefined ? {} : { httpStatus }) } : {}
  logger[status === 'failed' ? 'warn' : 'info']('job ended', { jobId: job.jobId, type: job.type, status, ...cause })
}
