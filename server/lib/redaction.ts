/**
 * Redaction of what a log line holds: `redact` returns a copy of any value with its secrets
 * replaced by `[redacted]` (fields named like a secret, and text that looks like one:
 * secret-patterns.ts); `redactForLog` also cuts each string and bounds what it reads of each field
 * (log-cut.ts), so a huge value costs a line no more than the line can show.
 */
import { cutStackField, LOG_FIELD_READ_CHARS, LOG_REDACTION_MARGIN, redactCutText, redactStart } from './log-cut'
import { redactText, SECRET_KEYS } from './secret-patterns'
import { fieldOf } from './thrown-field'

/** What a walk does with a string: `redactText`, or for a log line `redactCutText` (keyed, for `stack`). */
type TextStep = (text: string, key: string | undefined) => string

const redactOnly: TextStep = text => redactText(text)

/** A log line's string: a `stack` cut to its first frames, then cut with a margin, redacted and cut to the bound. */
const redactForLine: TextStep = (text, key) => redactCutText(key === undefined ? text : cutStackField(key, text), redactText)

/** Returns a copy with secrets replaced by `[redacted]`. */
export function redact(value: unknown, depth = 0): unknown {
  return redactValue(value, depth, redactOnly)
}

/**
 * Returns a copy for a log line: secrets replaced by `[redacted]` and each string cut to
 * `MAX_LOG_STRING_BYTES` (log-cut.ts), a long one cut before it is redacted.
 */
export function redactForLog(value: unknown): unknown {
  return redactValue(value, 0, redactForLine, undefined, { left: LOG_FIELD_READ_CHARS, perField: LOG_FIELD_READ_CHARS })
}

/**
 * Returns a copy for a span's content, whose JSON is cut to `maxChars` characters
 * (telemetry/content.ts): secrets replaced by `[redacted]`, each string and the whole value read
 * only as far as those characters and a margin (a 10 MB error message: its first few KB).
 */
export function redactForContent(value: unknown, maxChars: number): unknown {
  const start: TextStep = text => redactStart(text, maxChars, redactText)?.redacted ?? redactText(text)
  return redactValue(value, 0, start, undefined, { left: maxChars + LOG_REDACTION_MARGIN })
}

/** What is left to read of a value (`redactForLog`: of each of a line's fields, `perField` each). */
interface ReadBudget {
  left: number
  perField?: number
}

/**
 * What a value other than a string costs the budget: no more than its JSON and a comma (`1,`), so a
 * field whose budget ran out has JSON over `LOG_FIELD_READ_CHARS` and is cut within what was read.
 */
const VALUE_CHARS = 2

function redactValue(value: unknown, depth: number, text: TextStep, key?: string, budget?: ReadBudget): unknown {
  if (typeof value === 'string') {
    const shown = text(value, key)
    if (budget) budget.left -= shown.length
    return shown
  }
  if (budget) budget.left -= VALUE_CHARS
  // JSON has no BigInt (a row id in what a hook threw): its digits.
  if (typeof value === 'bigint') return value.toString()
  if (value === null || typeof value !== 'object') return value
  // Deeper than this a line would hide its point anyway: cut off, never written unredacted.
  if (depth > 6) return '[nested too deep]'
  if (value instanceof Error) return redactError(value, depth, text, budget)
  if (Array.isArray(value)) {
    const copy: unknown[] = []
    for (let index = 0; index < value.length; index++) {
      if (budget && budget.left <= 0) {
        copy.push(`[${value.length - index} more items not read]`)
        break
      }
      copy.push(redactValue(value[index], depth + 1, text, undefined, budget))
    }
    return copy
  }
  const copy: Record<string, unknown> = {}
  const keys = Object.keys(value)
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index]!
    // A line's own fields each have a budget of their own: a huge one does not crowd out the `jobId` after it.
    const fieldBudget = budget?.perField && depth === 0 ? { left: budget.perField } : budget
    if (fieldBudget && fieldBudget.left <= 0) {
      copy['…'] = `[${keys.length - index} more fields not read]`
      break
    }
    if (fieldBudget) fieldBudget.left -= key.length
    copy[key] = SECRET_KEYS.test(key) ? '[redacted]' : redactValue(readProperty(value, key), depth + 1, text, key, fieldBudget)
  }
  return copy
}

/** A property of a thrown object as a line shows it: a getter that throws is `[unreadable]`, not a throw of the logger. */
function readProperty(value: object, key: string): unknown {
  try {
    return (value as Record<string, unknown>)[key]
  }
  catch {
    return '[unreadable]'
  }
}

/**
 * An error as a line shows it: name and message, and what says why — its `code` (ECONNREFUSED, a
 * driver's SQLSTATE), its `cause` (`fetch failed` → the socket error) and an AggregateError's
 * `errors` (a connection to each address of a host) — all redacted. Never its stack.
 */
function redactError(error: Error, depth: number, text: TextStep, budget?: ReadBudget): Record<string, unknown> {
  const code = fieldOf(error, 'code')
  const cause = fieldOf(error, 'cause')
  const errors = fieldOf(error, 'errors')
  return {
    name: error.name,
    message: redactValue(error.message, depth + 1, text, undefined, budget),
    ...(typeof code === 'string' || typeof code === 'number' ? { code: redactValue(code, depth + 1, text, undefined, budget) } : {}),
    ...(cause === undefined ? {} : { cause: redactValue(cause, depth + 1, text, undefined, budget) }),
    ...(Array.isArray(errors) ? { errors: redactValue(errors, depth + 1, text, undefined, budget) } : {}),
  }
}

