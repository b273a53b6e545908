/**
 * The engine's cleanup interval: armed lazily (by the first creation, a recovered run or a
 * notification stream), it runs the retention pass (engine-cleanup.ts) every
 * `limits.cleanupIntervalMs` in the engine's own context, never two passes at once, and logs a
 * store outage once per streak of failed passes.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { BackgroundJobsConfig } from './config'
import { createFailureStreakLog } from './failure-streak-log'
import type { Logger } from './logger'
import type { TimerSet } from './timers'

/** What the interval runs and on which timers. */
export interface CleanupIntervalOptions {
  logger: Logger
  /** The engine's timers (cleared at dispose). */
  timers: TimerSet
  /** One retention pass. */
  cleanup: () => Promise<unknown>
  /** True once the engine is being disposed: the interval is not armed any more. */
  disposed: () => boolean
}

/** Creates the interval, unarmed; call it in the engine's own context (no request's, no job's). */
export function createCleanupInterval({ logger, timers, cleanup, disposed }: CleanupIntervalOptions) {
  let cancelCleanup: (() => void) | null = null
  // A store outage fails every pass: one line when it starts, one when a pass works again.
  const cleanupLog = createFailureStreakLog({ logger, failed: 'cleanup failed; it runs again every limits.cleanupIntervalMs (not logged again until a pass succeeds)', recovered: 'cleanup succeeded again', fields: {} })

  // The engine's own context (no request's, no job's): engine-wide timers armed lazily run in it.
  const inEngineContext = AsyncLocalStorage.snapshot()

  return {
    /** Arms the interval unless it is armed already or the engine is disposed. */
    ensure(config: BackgroundJobsConfig) {
      if (cancelCleanup || disposed()) return
      // Armed by the first creation, it must not run every pass in that request's trace.
      // A pass still going (a backlog, a slow store) is not joined by another: the next tick tries again.
      let cleaning = false
      cancelCleanup = inEngineContext(() => timers.interval(() => {
        if (cleaning) return
        cleaning = true
        void cleanup().then(() => cleanupLog.succeeded(), error => cleanupLog.failed(error)).finally(() => {
          cleaning = false
        })
      }, config.limits.cleanupIntervalMs))
    },
    /** Forgets the interval once the engine's timers were cleared at dispose. */
    forget() {
      cancelCleanup = null
    },
  }
}
