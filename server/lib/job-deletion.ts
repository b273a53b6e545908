/**
 * Deleting a user's jobs: one job (`DELETE /api/jobs/:id`), or every job of a thread that has
 * ended (`DELETE /api/jobs?threadId=`) in one request — a long conversation is one deletion, not
 * one request per turn against `limits.deletePerMinute`. Only a job whose end is stored can go
 * (the provider's compare-and-set); each deleted job is announced on the user's notification
 * streams (here at once, elsewhere through the user feed) and counted.
 */
import { ACTIVE_STATUSES, isTerminalStatus, TERMINAL_STATUSES } from '../../shared/events'
import type { DeleteThreadResult } from '../../shared/api-types'
import { JobActiveError, JobNotFoundError } from './errors'
import type { Logger } from './logger'
import { useMetrics } from './metrics'
import type { NotificationHub } from './notifications'
import type { JobProvider, JobRecord } from './providers/types'

/** Jobs a thread deletion reads per list call (the providers' largest page). */
export const THREAD_DELETE_PAGE = 200
/** Jobs one thread deletion deletes at most; past it the answer says `more` (call again). */
export const THREAD_DELETE_MAX = 1_000
/** Jobs still going that a thread deletion names at most (there are never many: concurrency limits). */
const ACTIVE_NAMED_MAX = 200

/** What the deletions need from the engine. */
export interface JobDeletionOptions {
  provider: Pick<JobProvider, 'list' | 'deleteJob'>
  notifications: Pick<NotificationHub, 'jobDeleted'>
  logger: Logger
  /** Loads a job the user owns (JobNotFoundError otherwise). */
  authorize: (userId: string, jobId: string) => Promise<JobRecord>
  /** Counts one deletion request of the user against `limits.deletePerMinute` (429 past it). */
  limitRate: (userId: string) => Promise<void>
}

/** The engine's deletions. */
export function createJobDeletion(options: JobDeletionOptions) {
  const { provider, notifications, logger } = options

  /** Deletes one ended job from the store; false when the store holds it as still going. */
  async function remove(record: JobRecord): Promise<'deleted' | 'not-found' | 'active'> {
    // Compare-and-set in the store: the end must be stored, not only committed here.
    const outcome = await provider.deleteJob(record.id)
    if (outcome !== 'deleted') return outcome
    notifications.jobDeleted(record.userId, record.id, record.threadId)
    useMetrics().increment('jobs_deleted_total', { reason: 'user' })
    logger.info('job deleted', { jobId: record.id })
    return outcome
  }

  /**
   * Deletes a job the user owns with everything stored of it. Only a job that has ended can be
   * deleted: one still going is a `JobActiveError` (409): abort it first. Counts against
   * `limits.deletePerMinute`.
   */
  async function deleteJob(userId: string, jobId: string): Promise<void> {
    await options.limitRate(userId)
    const record = await options.authorize(userId, jobId)
    if (!isTerminalStatus(record.status)) throw new JobActiveError(jobId, record.status)
    const outcome = await remove(record)
    if (outcome === 'not-found') throw new JobNotFoundError(jobId)
    if (outcome === 'active') throw new JobActiveError(jobId, 'still ending')
  }

  /**
   * Deletes every job of the user's thread that has ended, up to `THREAD_DELETE_MAX` (`more` says
   * there are others: call again), as one request against `limits.deletePerMinute`. Jobs still
   * going are left and named in `active` (abort them, and delete again once they have ended).
   * Another user's thread, or none, deletes nothing.
   */
  async function deleteThread(userId: string, threadId: string): Promise<DeleteThreadResult> {
    await options.limitRate(userId)
    const deleted: string[] = []
    const stillEnding = new Set<string>()
    for (;;) {
      const limit = Math.min(THREAD_DELETE_PAGE, THREAD_DELETE_MAX - deleted.length)
      if (limit <= 0) break
      const page = await provider.list({ userId, threadId, status: [...TERMINAL_STATUSES], limit })
      const fresh = page.filter(record => !stillEnding.has(record.id))
      for (const record of fresh) {
        const outcome = await remove(record)
        if (outcome === 'deleted') deleted.push(record.id)
        else if (outcome === 'active') stillEnding.add(record.id)
      }
      // A short page was the last; a page of only jobs that could not go would come back the same.
      if (page.length < limit || fresh.length === 0) break
    }
    // Only when an ended job is really left (not at exactly THREAD_DELETE_MAX, nor for one still ending).
    const more = deleted.length >= THREAD_DELETE_MAX
      && (await provider.list({ userId, threadId, status: [...TERMINAL_STATUSES], limit: stillEnding.size + 1 })).some(record => !stillEnding.has(record.id))
    const going = await provider.list({ userId, threadId, status: [...ACTIVE_STATUSES], limit: ACTIVE_NAMED_MAX })
    const active = [...new Set([...going.map(record => record.id), ...stillEnding])]
    return { deleted, active, more }
  }

  return { deleteJob, deleteThread }
}
