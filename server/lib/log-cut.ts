/**
 * The bound on one string in a log line. An app's hook, a driver or a proxy can put a whole
 * response body, page or dump into an error's message; written whole, one such line is megabytes,
 * which log shippers cut at their own limit (often 16–256 KB) or drop, and the redaction before it
 * reads all of it. Applied by the logger after redaction, so a secret the cut would split is
 * already `[redacted]`.
 */
import { truncateUtf8, utf8ByteLength } from './bytes'
import { cutStackFrames } from './log-stack-cut'

/** The longest string a log line holds in one field (UTF-8 bytes), the marker aside. */
export const MAX_LOG_STRING_BYTES = 8_000

/** `text` cut to `MAX_LOG_STRING_BYTES` at a character boundary, saying how many bytes were cut. */
export function cutLogString(text: string): string {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: shorter text fits without measuring it.
  if (text.length * 3 <= MAX_LOG_STRING_BYTES) return text
  const bytes = utf8ByteLength(text)
  if (bytes <= MAX_LOG_STRING_BYTES) return text
  const kept = truncateUtf8(text, MAX_LOG_STRING_BYTES)
  return `${kept}… [${bytes - utf8ByteLength(kept)} more bytes cut]`
}

/**
 * A redacted line's value (plain objects, arrays, scalars: what `redact` returns) with each string
 * cut by `cutLogString`, a `stack` field first to its first frames (`cutStackFrames`).
 */
export function cutLogStrings(value: unknown): unknown {
  if (typeof value === 'string') return cutLogString(value)
  if (Array.isArray(value)) return value.map(cutLogStrings)
  if (value === null || typeof value !== 'object') return value
  const copy: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) copy[key] = cutLogStrings(key === 'stack' && typeof item === 'string' ? cutStackFrames(item) : item)
  return copy
}

/**
 * The longest line (UTF-8 bytes) written as it is. Past it — a thrown object that holds a whole
 * JSON answer, a list of 100,000 short items: each string is short, the line is megabytes — each
 * field whose JSON is over `MAX_LOG_STRING_BYTES` becomes that JSON as a string, cut by
 * `cutLogString`. The line's own fields (`jobId`, `tool`) are small and stay as they are.
 */
export const MAX_LOG_LINE_BYTES = 64_000

/** Whether `text` is over `maxBytes` UTF-8 bytes (measured only when its length cannot tell). */
function isOver(text: string, maxBytes: number): boolean {
  return text.length * 3 > maxBytes && utf8ByteLength(text) > maxBytes
}

/** The JSON line of a redacted entry, each string cut, and bounded by `MAX_LOG_LINE_BYTES` as said above. */
export function logLine(entry: Record<string, unknown>): string {
  const cut = cutLogStrings(entry) as Record<string, unknown>
  const line = JSON.stringify(cut)
  if (!isOver(line, MAX_LOG_LINE_BYTES)) return line
  const bounded: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(cut)) {
    const json = JSON.stringify(value) ?? ''
    bounded[key] = isOver(json, MAX_LOG_STRING_BYTES) ? cutLogString(json) : value
  }
  return JSON.stringify(bounded)
}
