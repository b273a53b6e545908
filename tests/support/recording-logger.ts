/** A logger that keeps every line it is given, for tests of what is logged. */
import { expect } from 'vitest'
import type { Logger } from '../../server/lib/logger'

export interface LoggedLine { level: string, message: string, fields?: Record<string, unknown> }

/** The logger and the lines it got so far, in order. */
export function recordingLogger() {
  const lines: LoggedLine[] = []
  const logger: Logger = {
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
  }
  return { logger, lines }
}

/** What the `job ended` line says a job spent when it ran no model round and no tool (job-end-log-usage.test.ts). */
export const NOTHING_SPENT = { rounds: 0, toolCalls: 0, usage: { prompt: 0, completion: 0, total: 0 }, durationMs: expect.any(Number) }
