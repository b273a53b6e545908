/**
 * Structured logs for the job lifecycle. Secrets never get in: known secret fields and anything
 * that looks like a bearer token, an API key, a header's credentials, a URL's password or a secret
 * in a URL's query are redacted before a line is written (redaction.ts, secret-patterns.ts), and
 * each string cut to `MAX_LOG_STRING_BYTES` (log-cut.ts).
 */
import { logLine } from './log-cut'
import { redactForLog } from './redaction'
import { withRequestIdField } from './request-scope'

export { redact, redactForLog } from './redaction'

/** A structured logger. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

/**
 * A logger writing one JSON line per entry to the console, each string redacted and cut to its
 * bound (`redactForLog`: a long one is cut with a margin first, so a secret that straddles the cut
 * is redacted whole), then the line bounded (`logLine`).
 */
export function createConsoleLogger(scope = 'background-jobs'): Logger {
  const write = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => {
    let line: string
    try {
      // The request being handled, if any (request-scope.ts).
      const named = withRequestIdField(fields)
      line = logLine({ level, scope, message: redactForLog(message), ...(named ? redactForLog(named) as object : {}) })
    }
    catch {
      // Never a throw from the logger (it reports failures on paths that must go on): the line with
      // each field that can be written on its own — a Proxy a tool threw must not take the tool,
      // job and call ids of its failure line with it.
      line = logLine({ level, scope, message: redactForLog(String(message)), ...writableFields(fields) })
    }
    if (level === 'error') console.error(line)
    else if (level === 'warn') console.warn(line)
    else console.info(line)
  }
  return {
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  }
}

const UNWRITABLE = '[could not be written]'

/** Each of `fields` that can be redacted and written alone; one that cannot reads `[could not be written]`. */
function writableFields(fields: Record<string, unknown> | undefined): Record<string, unknown> {
  const kept: Record<string, unknown> = {}
  try {
    for (const [key, value] of Object.entries(fields ?? {})) {
      try {
        const redacted = redactForLog(value)
        JSON.stringify(redacted)
        kept[key] = redacted
      }
      catch {
        kept[key] = UNWRITABLE
      }
    }
  }
  catch {
    return { fields: UNWRITABLE }
  }
  return kept
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} }
