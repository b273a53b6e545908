/**
 * The bound on one string in a log line. An app's hook, a driver or a proxy can put a whole
 * response body, page or dump into an error's message; written whole, one such line is megabytes,
 * which log shippers cut at their own limit (often 16–256 KB) or drop, and the redaction before it
 * reads all of it. Applied by the logger after redaction, so a secret the cut would split is
 * already `[redacted]`.
 */
import { truncateUtf8, utf8ByteLength } from './bytes'

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

/** A redacted line's value (plain objects, arrays, scalars: what `redact` returns) with each string cut by `cutLogString`. */
export function cutLogStrings(value: unknown): unknown {
  if (typeof value === 'string') return cutLogString(value)
  if (Array.isArray(value)) return value.map(cutLogStrings)
  if (value === null || typeof value !== 'object') return value
  const copy: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) copy[key] = cutLogStrings(item)
  return copy
}
