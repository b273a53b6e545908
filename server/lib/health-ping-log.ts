/**
 * How the health route's failed store pings are logged (health.ts), limited as every failure the
 * route meets at each probe (health-failure-log.ts): the first failure of an outage with its
 * reason (the error's class and message, redacted by the logger, or the deadline passed), then at
 * most one count line per `HEALTH_PING_LOG_WINDOW_MS` (the last reason shown), and the first ping
 * answered after them is one line with the outage's failures.
 */
import { createHealthFailureLog, HEALTH_FAILURE_LOG_WINDOW_MS } from './health-failure-log'
import type { Logger } from './logger'

/** At most one count line per this many ms while pings keep failing. */
export const HEALTH_PING_LOG_WINDOW_MS = HEALTH_FAILURE_LOG_WINDOW_MS

/** Options of `createHealthPingLog`. */
export interface HealthPingLogOptions {
  logger: Logger
  /** A monotonic clock in ms (the ping's). */
  now: () => number
  /** @default HEALTH_PING_LOG_WINDOW_MS */
  windowMs?: number
}

/** Why a ping counts as failed, for the log: the error's class and message, or the deadline. */
export function pingFailureReason(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`
  return String(error)
}

/** The log of one process's health pings: `failed(reason)` per failed ping, `answered()` per answered one. */
export function createHealthPingLog(options: HealthPingLogOptions) {
  const log = createHealthFailureLog({
    ...options,
    lines: {
      failed: 'the job store did not answer the health route\'s ping: it answers provider-unreachable (503) until the store answers again; later failures are counted, not logged one by one',
      counted: failures => `the job store's health ping failed ${failures} more times (not logged one by one; the last reason is shown)`,
      recovered: 'the job store answers the health route\'s ping again',
    },
  })
  return {
    failed: (reason: string): void => log.failed({ reason }),
    answered: log.succeeded,
  }
}
