/**
 * Logs a repeated failure once per streak: the first failure of a streak as a line with its error,
 * the next ones not at all, and the first success after it as one line with the number of
 * failures. A store outage retries every running job's write and heartbeat every few seconds; a
 * line per attempt per job would bury everything else in the log (thousands of lines a minute).
 * A failure of another kind within the streak (failure-kind.ts: the store refusing a write after
 * being unreachable) is logged too, once per kind, with the number of failures so far — up to
 * `FAILURE_KINDS_MAX` kinds a streak, so a streak holds a bounded set.
 */
import { failureKind } from './failure-kind'
import type { Logger } from './logger'
import { FAILURE_KINDS_MAX } from './repeated-failure-log'

/** What to log for one repeated operation of one job. */
export interface FailureStreakLogOptions {
  logger: Logger
  /** The line for the first failure of a streak (its error is added). */
  failed: string
  /** The line for the first success after a streak (`failures` is added). */
  recovered: string
  /** Fields of every line (the job id). */
  fields: Record<string, unknown>
  /** @default 'error' */
  level?: 'warn' | 'error'
}

/** A failure streak log: call `failed(error)` on each failure, `succeeded()` on each success. */
export function createFailureStreakLog(options: FailureStreakLogOptions) {
  let failures = 0
  // The kinds of failure logged in this streak (at most FAILURE_KINDS_MAX).
  const kinds = new Set<string>()
  return {
    failed(error: unknown): void {
      failures++
      if (kinds.size >= FAILURE_KINDS_MAX) return
      const kind = failureKind(error)
      if (kinds.has(kind)) return
      kinds.add(kind)
      options.logger[options.level ?? 'error'](options.failed, { ...options.fields, ...(failures > 1 ? { failuresSoFar: failures } : {}), error })
    },
    succeeded(): void {
      if (failures === 0) return
      options.logger.info(options.recovered, { ...options.fields, failures })
      failures = 0
      kinds.clear()
    },
  }
}
