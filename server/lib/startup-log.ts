/**
 * What the log says while the engine's start is tried again (engine-startup.ts): each failed
 * attempt, with the delay before the next one.
 */
import type { Logger } from './logger'

/** The startup's log: `failed` is `startWithRetry`'s `onFailure`, `started` is called once it started. */
export function createStartupLog(logger: Logger) {
  return {
    failed(error: unknown, retryInMs: number | null): void {
      logger.error(retryInMs === null ? 'engine failed to start' : `engine failed to start; trying again in ${retryInMs} ms`, { error })
    },
    started(): void {},
  }
}
