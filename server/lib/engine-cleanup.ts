/**
 * The engine's retention pass: deletes jobs past retention, `CLEANUP_BATCH_SIZE` at a time with a
 * turn of the event loop between batches, so thousands of jobs expiring together (after a burst, or
 * an instance that was down) never hold the store (one Redis script) or this process for long.
 * Each job deleted is told to its user's streams as a deletion request's is (`job-deleted`: here
 * at once, on other instances through the user feed the provider writes in the same step) — here
 * to a user with a stream open or active within retention (`jobExpired`), never keeping an idle one.
 */
import type { BackgroundJobsConfig } from './config'
import { useMetrics } from './metrics'
import type { NotificationHub } from './notifications'
import type { JobProvider } from './providers/types'

/** Jobs one cleanup call asks the provider to delete at most (the pass repeats until done). */
export const CLEANUP_BATCH_SIZE = 200

/** What the pass reads and prunes. */
export interface EngineCleanupOptions {
  provider: JobProvider
  getConfig: () => BackgroundJobsConfig
  now: () => number
  notifications: Pick<NotificationHub, 'jobExpired' | 'prune'>
  /** True once the engine is being disposed: the pass stops after its current batch. */
  disposed: () => boolean
}

/** Creates the pass (the engine's cleanup interval calls it); resolves with how many jobs it deleted. */
export function createEngineCleanup({ provider, getConfig, now, notifications, disposed }: EngineCleanupOptions) {
  return async function cleanup(): Promise<number> {
    const config = getConfig()
    const endedBefore = now() - config.limits.retentionMs
    let deleted = 0
    try {
      for (;;) {
        const count = await provider.deleteExpired(endedBefore, CLEANUP_BATCH_SIZE, job => notifications.jobExpired(job.userId, job.id, job.threadId, endedBefore))
        deleted += count
        if (count < CLEANUP_BATCH_SIZE || disposed()) break
        await new Promise(resolve => setImmediate(resolve))
      }
    }
    finally {
      // Also when a later batch failed: the earlier batches' jobs are gone.
      useMetrics().increment('jobs_deleted_total', { reason: 'retention' }, deleted)
    }
    notifications.prune(now() - config.limits.retentionMs)
    useMetrics().increment('cleanup_runs_total')
    return deleted
  }
}
