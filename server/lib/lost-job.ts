/**
 * A job the store lost while it ran (a Redis restarted without its data, `FLUSHALL`, an eviction;
 * a Convex document deleted by hand): its owner learns it when a write is refused `not-found` or a
 * lease heartbeat finds no record, and stops the run without an end (run-manager.ts). Nobody else
 * can tell the user: the store's record held the user, and it is gone. So the owner does — a
 * `job-lost` on the user's streams here, and through the provider (`publishJobLost`) to the
 * instances that follow the user — or a tab would show the job running, or asking, for ever.
 */
import type { JobRun } from './job-run'
import type { Logger } from './logger'
import type { NotificationHub } from './notifications'
import type { JobProvider } from './providers/types'

/** What announcing a lost job needs. */
export interface LostJobAnnouncement {
  notifications: Pick<NotificationHub, 'jobLost'>
  provider: Pick<JobProvider, 'publishJobLost'>
  logger: Logger
}

/**
 * Tells the user's streams, here and on other instances, that the store lost the run's job — once
 * the store agrees (`publishJobLost`: not when it has the job, or recorded it deleted while this
 * owner was cut off from it). A store that cannot be asked leaves it told here only, with a warning:
 * a tab must not show the job running for ever. Never throws.
 */
export function announceLostJob(run: JobRun, { notifications, provider, logger }: LostJobAnnouncement): void {
  const { id, userId, threadId, title } = run.record
  const tell = () => notifications.jobLost(userId, id, { threadId, title })
  if (!provider.publishJobLost) {
    tell()
    return
  }
  const failed = (error: unknown) => {
    logger.warn('could not tell other instances that the store lost a job', { jobId: id, error })
    tell()
  }
  try {
    provider.publishJobLost({ id, userId, threadId }).then(lost => lost && tell(), failed)
  }
  catch (error) {
    failed(error)
  }
}
