/**
 * The bound on one string in a log line. An app's hook, a driver or a proxy can put a whole
 * response body, page or dump into an error's message; written whole, one such line is megabytes,
 * which log shippers cut at their own limit (often 16–256 KB) or drop. Redacting all of it to
 * write its first 8 KB held the event loop (10 MB: about 260 ms a line), so a long string is cut
 * first with a margin, the part read is redacted, then cut to the bound (`redactCutText`): a
 * secret the cut would split is `[redacted]` whole.
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
 * Code units read past the bound of a long string before it is redacted (`redactCutText`). The
 * redaction patterns that can start within the bound need only a few characters past it to match
 * (an `sk-` key: 11; a bearer token, a query value, a header's value match from their first
 * characters), and what a pattern left unmatched at the end of the part read stays within this
 * margin, past the bound — except a URL's user info, whose password ends only at the last `@` of its
 * word: a word the part read ends inside is redacted from its password to its end (`cutWord`).
 */
export const LOG_REDACTION_MARGIN = 2_048

/** Redacts a string; `cutWord`: the text's last word goes on past it (see `LOG_REDACTION_MARGIN`). */
export type RedactText = (text: string, cutWord: boolean) => string

/**
 * The redacted start of a long `text` of which `keep` units will be shown: its first
 * `keep + LOG_REDACTION_MARGIN` code units, redacted. When the redaction shrank that part (a long
 * token became `[redacted]`) so that the margin's end would come within what is shown (`measure`:
 * how it is counted, characters or bytes), twice as much is read, and so on: what is shown is
 * always read with a margin after it. `undefined` for a text no longer than that: redact it whole.
 */
export function redactStart(text: string, keep: number, redactText: RedactText, measure: (part: string) => number = part => part.length): { redacted: string, read: number } | undefined {
  for (let size = keep + LOG_REDACTION_MARGIN; ; size *= 2) {
    if (text.length <= size) return undefined
    // Not between the two halves of a surrogate pair.
    const end = isHighSurrogate(text.charCodeAt(size - 1)) ? size - 1 : size
    const redacted = redactText(text.slice(0, end), !/\s/.test(text[end]!))
    if (measure(redacted) >= keep + LOG_REDACTION_MARGIN) return { redacted, read: end }
  }
}

/**
 * `text` redacted by `redactText` and cut by `cutLogString`, reading of a long text only its start
 * (`redactStart`). The marker counts the bytes cut as if the whole text had been redacted (the
 * part not read is taken as it is).
 */
export function redactCutText(text: string, redactText: RedactText): string {
  const start = redactStart(text, MAX_LOG_STRING_BYTES, redactText, utf8ByteLength)
  if (!start) return cutLogString(redactText(text, false))
  const kept = truncateUtf8(start.redacted, MAX_LOG_STRING_BYTES)
  const cut = utf8ByteLength(start.redacted) - utf8ByteLength(kept) + utf8ByteLength(text.slice(start.read))
  return `${kept}… [${cut} more bytes cut]`
}

/** A `stack` field's text: its first frames (`cutStackFrames`). */
export function cutStackField(key: string, text: string): string {
  return key === 'stack' ? cutStackFrames(text) : text
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xD800 && code <= 0xDBFF
}

/**
 * The longest line (UTF-8 bytes) written as it is. Past it — a thrown object that holds a whole
 * JSON answer, a list of 100,000 short items: each string is short, the line is megabytes — each
 * field whose JSON is over `MAX_LOG_STRING_BYTES` becomes that JSON as a string, cut by
 * `cutLogString`. The line's own fields (`jobId`, `tool`) are small and stay as they are.
 */
export const MAX_LOG_LINE_BYTES = 64_000

/**
 * How much of one field of a line the logger reads (characters of its strings and keys, a few per
 * other value): a field read this far is over `MAX_LOG_LINE_BYTES`, so its line is bounded below
 * and the field cut to its first `MAX_LOG_STRING_BYTES` — all read. The rest of a field past it (the
 * 199,000 more rows of a thrown JSON answer) is counted, not read: redacting it to cut it held the
 * event loop for seconds.
 */
export const LOG_FIELD_READ_CHARS = MAX_LOG_LINE_BYTES + MAX_LOG_STRING_BYTES

/** Whether `text` is over `maxBytes` UTF-8 bytes (measured only when its length cannot tell). */
function isOver(text: string, maxBytes: number): boolean {
  return text.length * 3 > maxBytes && utf8ByteLength(text) > maxBytes
}

/**
 * The JSON line of an entry whose strings are redacted and cut (the logger's `redactForLog`),
 * bounded by `MAX_LOG_LINE_BYTES` as said above.
 */
export function logLine(cut: Record<string, unknown>): string {
  const line = JSON.stringify(cut)
  if (!isOver(line, MAX_LOG_LINE_BYTES)) return line
  const bounded: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(cut)) {
    const json = JSON.stringify(value) ?? ''
    bounded[key] = isOver(json, MAX_LOG_STRING_BYTES) ? cutLogString(json) : value
  }
  return JSON.stringify(bounded)
}
