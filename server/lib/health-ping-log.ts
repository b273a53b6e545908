/**
 * How the health route's failed store pings are logged (health.ts): an operator whose balancer
 * took an instance out (`provider-unreachable`) must find why in the log, but balancers probe every
 * second — a line per failed ping would bury everything else. As the other repeated failures
 * (repeated-failure-log.ts, failure-streak-log.ts): the first failure of an outage is logged with
 * its reason (the error's class and message, redacted by the logger, or the deadline passed), the
 * next ones are counted, with at most one count line per `HEALTH_PING_LOG_WINDOW_MS` (the last
 * reason shown), and the first ping answered after them is one line with the outage's failures.
 * No timer: a count line is written by the failure that finds the window passed (a ping fails
 * only when a probe asks), the rest of the count by the recovery line.
 */
import type { Logger } from './logger'

/** At most one count line per this many ms while pings keep failing. */
export const HEALTH_PING_LOG_WINDOW_MS = 60_000

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
export function createHealthPingLog({ logger, now, windowMs = HEALTH_PING_LOG_WINDOW_MS }: HealthPingLogOptions) {
  /** Failed pings since the store last answered. */
  let failures = 0
  /** Failed pings not yet in a line, and when the last line was written. */
  let counted = 0
  let lineAt = 0
  return {
    failed(reason: string): void {
      failures++
      if (failures === 1) {
        logger.warn('the job store did not answer the health route\'s ping: it answers provider-unreachable (503) until the store answers again; later failures are counted, not logged one by one', { reason })
        lineAt = now()
        return
      }
      counted++
      if (now() - lineAt < windowMs) return
      logger.warn(`the job store's health ping failed ${counted} more times (not logged one by one; the last reason is shown)`, { failures: counted, reason })
      lineAt = now()
      counted = 0
    },
    answered(): void {
      if (failures === 0) return
      logger.info('the job store answers the health route\'s ping again', { failures })
      failures = 0
      counted = 0
    },
  }
}
