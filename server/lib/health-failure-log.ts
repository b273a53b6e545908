/**
 * How a failure the health route meets again at every probe is logged (a store ping that fails,
 * a readiness check that throws): an operator whose balancer took an instance out must find why
 * in the log, but balancers probe every second — a line per probe would bury everything else. As
 * the other repeated failures (repeated-failure-log.ts, failure-streak-log.ts): the first failure
 * of an outage is logged with what it says (a reason, an error: the logger redacts it), the next
 * ones are counted, with at most one count line per `HEALTH_FAILURE_LOG_WINDOW_MS` (the last
 * failure's fields shown), and the first success after them is one line with the outage's
 * failures. No timer: a count line is written by the failure that finds the window passed (a
 * failure happens only when a probe asks), the rest of the count by the recovery line.
 */
import type { Logger } from './logger'

/** At most one count line per this many ms while the failures go on. */
export const HEALTH_FAILURE_LOG_WINDOW_MS = 60_000

/** The lines of one kind of failure. */
export interface HealthFailureLines {
  /** The first failure of an outage (its fields are added). */
  failed: string
  /** A count line, for the failures since the last line (`failures` and the last one's fields are added). */
  counted: (failures: number) => string
  /** The first success after failures (`failures`, the outage's, is added). */
  recovered: string
}

/** Options of `createHealthFailureLog`. */
export interface HealthFailureLogOptions {
  logger: Logger
  /** A monotonic clock in ms. */
  now: () => number
  lines: HealthFailureLines
  /** The level of the failure and count lines (the recovery is `info`). @default 'warn' */
  level?: 'warn' | 'error'
  /** @default HEALTH_FAILURE_LOG_WINDOW_MS */
  windowMs?: number
}

/** The log of one kind of health failure: `failed(fields)` per failure, `succeeded()` per success. */
export function createHealthFailureLog({ logger, now, lines, level = 'warn', windowMs = HEALTH_FAILURE_LOG_WINDOW_MS }: HealthFailureLogOptions) {
  /** Failures since the last success. */
  let failures = 0
  /** Failures not yet in a line, and when the last line was written. */
  let counted = 0
  let lineAt = 0
  return {
    failed(fields: Record<string, unknown>): void {
      failures++
      if (failures === 1) {
        logger[level](lines.failed, fields)
        lineAt = now()
        return
      }
      counted++
      if (now() - lineAt < windowMs) return
      logger[level](lines.counted(counted), { failures: counted, ...fields })
      lineAt = now()
      counted = 0
    },
    succeeded(): void {
      if (failures === 0) return
      logger.info(lines.recovered, { failures })
      failures = 0
      counted = 0
    },
  }
}

/** A health failure log (`createHealthFailureLog`). */
export type HealthFailureLog = ReturnType<typeof createHealthFailureLog>
