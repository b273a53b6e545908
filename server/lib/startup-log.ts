/**
 * What the log says while the engine's start is tried again (engine-startup.ts). A store that
 * cannot serve this server until someone acts (a wrong Convex deployment, its functions not
 * deployed, a Redis URL reaching a replica) fails the same way at every attempt, up to every 30 s
 * for as long as nobody fixes it: the first failure is logged, then only one that says something
 * else (the fix half done, another cause) or the last one, and one line once the engine started.
 */
import type { Logger } from './logger'

/** What tells two failures apart: their kind and message. */
function failureKey(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}

/** The startup's log: `failed` is `startWithRetry`'s `onFailure`, `started` is called once it started. */
export function createStartupLog(logger: Logger) {
  let failures = 0
  let lastLogged: string | null = null
  return {
    failed(error: unknown, retryInMs: number | null): void {
      failures++
      const key = failureKey(error)
      if (retryInMs !== null && key === lastLogged) return
      lastLogged = key
      logger.error(retryInMs === null ? 'engine failed to start' : `engine failed to start; trying again in ${retryInMs} ms (the same failure again is not logged)`, { error })
    },
    started(): void {
      if (failures > 0) logger.info(`engine started after ${failures} failed ${failures === 1 ? 'attempt' : 'attempts'}`, { failures })
    },
  }
}
