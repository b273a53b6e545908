/**
 * What kind of failure an error is, to tell repeated failures apart in the log: its name, its
 * `code` and the start of its message with runs of digits folded, so `connect ECONNREFUSED
 * 10.0.0.7:5432` and `… 10.0.0.8:5432` are one kind, and a `TypeError` after them (a new bug, not
 * the same outage) is another. Bounded: `FAILURE_KIND_MESSAGE_CHARS` of the message.
 */
import { describeThrown } from './executor/tool-errors'

/** How much of a message tells its kind (the rest is usually ids, paths, bodies). */
export const FAILURE_KIND_MESSAGE_CHARS = 120

/** A string field of a thrown value, '' when it has none or reading it throws. */
function field(value: unknown, key: 'name' | 'code'): string {
  if (value === null || typeof value !== 'object') return ''
  try {
    const read = (value as Record<string, unknown>)[key]
    return typeof read === 'string' || typeof read === 'number' ? String(read).slice(0, 64) : ''
  }
  catch {
    return ''
  }
}

/** The kind of a thrown value (see the file comment). */
export function failureKind(error: unknown): string {
  const message = describeThrown(error).slice(0, FAILURE_KIND_MESSAGE_CHARS).replace(/\d+/g, '0')
  return `${field(error, 'name')}|${field(error, 'code')}|${message}`
}
