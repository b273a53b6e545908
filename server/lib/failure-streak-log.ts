/**
 * Logs a repeated failure once per streak: the first failure of a streak as a line with its error,
 * the next ones not at all, and the first success after it as one line with the number of
 * failures. A store outage retries every running job's write and heartbeat every few seconds; a
 * line per attempt per job would bury everything else in the log (thousands of lines a minute).
 */
import type { Logger } from './logger'

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
  return {
    failed(error: unknown): void {
      failures++
      if (failures === 1) options.logger[options.level ?? 'error'](options.failed, { ...options.fields, error })
    },
    succeeded(): void {
      if (failures === 0) return
      options.logger.info(options.recovered, { ...options.fields, failures })
      failures = 0
    },
  }
}
