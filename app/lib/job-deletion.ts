/**
 * Deleting a user's jobs from the browser: one job, or every job of a thread. The server deletes
 * only a job that has ended (`DELETE /api/jobs/:id`: 204, or 409 while it is queued, running or
 * waiting; `DELETE /api/jobs?threadId=`: every ended job of the thread in one request, naming the
 * ones still going), so a job still going is aborted first (`POST …/abort`) and deleted once its
 * end is stored — known from its stream ending (`waitForEnd`). A job already gone (404) counts as
 * deleted. The requests are passed in, so the steps are tested without a server.
 */
import type { DeleteJobAnswer, DeleteThreadResult } from '../../shared/api-types'
import { apiErrorStatus } from './api-error'

/** The requests the steps need. */
export interface JobDeletionRequests {
  /** `DELETE /api/jobs/:id`, its answer mapped (any other failure rejects). */
  deleteJob: (jobId: string) => Promise<DeleteJobAnswer>
  /** `POST /api/jobs/:id/abort`. */
  abort: (jobId: string) => Promise<unknown>
  /** Resolves once the job has ended (or is gone), e.g. when its stream delivered `job-end`. */
  waitForEnd: (jobId: string) => Promise<void>
  /** `DELETE /api/jobs?threadId=`: the thread's ended jobs deleted, the ones still going named. */
  deleteThread: (threadId: string) => Promise<DeleteThreadResult>
}

/** Options of `deleteJobWhenEnded`. */
export interface DeleteJobOptions {
  /** Abort the job first when it is still going (else a 409 rejects). @default false */
  abort?: boolean
}

/** How often a delete answered 409 is tried again after waiting for the end (an end not stored yet). */
const ACTIVE_RETRIES = 2

/**
 * Aborts a job; false when it is gone (404: deleted meanwhile, e.g. from another tab, between the
 * answer that named it still going and this abort) — nothing to wait for then.
 */
async function abortUnlessGone(requests: JobDeletionRequests, jobId: string): Promise<boolean> {
  try {
    await requests.abort(jobId)
    return true
  }
  catch (error) {
    if (apiErrorStatus(error) === 404) return false
    throw error
  }
}

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
    // Gone meanwhile: the next DELETE says so (404 → already gone).
    const found = attempt > 0 || await abortUnlessGone(requests, jobId)
    if (found) await requests.waitForEnd(jobId)
    answer = await requests.deleteJob(jobId)
  }
  return answer === 'deleted'
}

/**
 * Deletes every job of a thread: the server deletes the ended ones in one request and names those
 * still going, which are aborted (all at once), awaited, and deleted by the next request. Resolves
 * with how many jobs were deleted; rejects with `JobStillActiveError` when one never ends.
 */
export async function deleteThreadJobs(threadId: string, requests: JobDeletionRequests): Promise<number> {
  let deleted = 0
  let waits = 0
  const aborted = new Set<string>()
  for (;;) {
    const result = await requests.deleteThread(threadId)
    deleted += result.deleted.length
    if (result.more) continue
    if (result.active.length === 0) return deleted
    if (waits++ > ACTIVE_RETRIES) throw new JobStillActiveError(result.active[0]!)
    const toAbort = result.active.filter(jobId => !aborted.has(jobId))
    for (const jobId of toAbort) aborted.add(jobId)
    const gone = new Set<string>()
    await Promise.all(toAbort.map(async (jobId) => {
      if (!(await abortUnlessGone(requests, jobId))) gone.add(jobId)
    }))
    await Promise.all(result.active.filter(jobId => !gone.has(jobId)).map(jobId => requests.waitForEnd(jobId)))
  }
}
