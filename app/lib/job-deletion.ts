/**
 * Deleting a user's jobs from the browser: one job, or every job of a thread. The server deletes
 * only a job that has ended (`DELETE /api/jobs/:id`: 204, or 409 while it is queued, running or
 * waiting), so a job still going is aborted first (`POST …/abort`) and deleted once its end is
 * stored — known from its stream ending (`waitForEnd`). A job already gone (404) counts as deleted.
 * The requests are passed in, so the steps are tested without a server.
 */
import type { DeleteJobAnswer } from '../../shared/api-types'
import type { JobSummary } from './api-types'

/** The requests the steps need. */
export interface JobDeletionRequests {
  /** `DELETE /api/jobs/:id`, its answer mapped (any other failure rejects). */
  deleteJob: (jobId: string) => Promise<DeleteJobAnswer>
  /** `POST /api/jobs/:id/abort`. */
  abort: (jobId: string) => Promise<unknown>
  /** Resolves once the job has ended (or is gone), e.g. when its stream delivered `job-end`. */
  waitForEnd: (jobId: string) => Promise<void>
  /** The user's jobs of a thread, newest first, at most `limit`. */
  listThread: (threadId: string, limit: number) => Promise<JobSummary[]>
}

/** Options of `deleteJobWhenEnded`. */
export interface DeleteJobOptions {
  /** Abort the job first when it is still going (else a 409 rejects). @default false */
  abort?: boolean
}

/** Jobs of a thread read per list request (the server's most). */
export const THREAD_PAGE = 200
/** How often a delete answered 409 is tried again after waiting for the end (an end not stored yet). */
const ACTIVE_RETRIES = 2

/** Thrown when a job is still going and `abort` was not asked for. */
export class JobStillActiveError extends Error {
  override name = 'JobStillActiveError'
  constructor(readonly jobId: string) {
    super(`Job ${jobId} has not ended: abort it first (or pass { abort: true })`)
  }
}

/**
 * Deletes one job; with `abort`, a job still going is aborted, its end awaited, then deleted.
 * Resolves `true` when it was deleted now, `false` when it was already gone.
 */
export async function deleteJobWhenEnded(jobId: string, requests: JobDeletionRequests, options: DeleteJobOptions = {}): Promise<boolean> {
  let answer = await requests.deleteJob(jobId)
  for (let attempt = 0; answer === 'active'; attempt++) {
    if (!options.abort || attempt > ACTIVE_RETRIES) throw new JobStillActiveError(jobId)
    if (attempt === 0) await requests.abort(jobId)
    await requests.waitForEnd(jobId)
    answer = await requests.deleteJob(jobId)
  }
  return answer === 'deleted'
}

/**
 * Deletes every job of a thread: the ones still going are aborted first (all at once), and each
 * is deleted once it has ended. Resolves with how many jobs were deleted.
 */
export async function deleteThreadJobs(threadId: string, requests: JobDeletionRequests): Promise<number> {
  let deleted = 0
  for (;;) {
    const jobs = await requests.listThread(threadId, THREAD_PAGE)
    if (jobs.length === 0) return deleted
    const results = await Promise.all(jobs.map(job => deleteJobWhenEnded(job.id, requests, { abort: true })))
    const now = results.filter(Boolean).length
    deleted += now
    // A page in which nothing was deleted (every job already gone) cannot shrink the list: stop.
    if (now === 0 || jobs.length < THREAD_PAGE) return deleted
  }
}
