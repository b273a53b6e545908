/**
 * What a span may say about a job's content. By default nothing: spans carry ids, names, counts
 * and codes. With `telemetry.recordContent`, prompts, answers, arguments, results and error
 * messages are added, each cut to `telemetry.maxContentChars` (error messages redacted first).
 */
import type { Attributes, Span } from '@opentelemetry/api'
import { SpanStatusCode } from '@opentelemetry/api'
import { cutTextWith } from '../../../shared/cut-text'
import type { BackgroundJobsConfig } from '../config'
import { JobAbortedError } from '../errors'
import { ABORTED_CODES } from '../job-run'
import { redactForContent } from '../redaction'
import { ATTR } from './names'

/** The telemetry settings of a job. */
export type TelemetrySettings = BackgroundJobsConfig['telemetry']

/** The value as text for a content attribute, or undefined when content is not recorded. */
export function contentValue(settings: TelemetrySettings, value: unknown): string | undefined {
  if (!settings.recordContent || value === undefined) return undefined
  let text: string
  try {
    text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value)
  }
  catch {
    // Circular, a BigInt, a getter that throws: its string form, if it has one (an object made
    // with no prototype has none, and `String` throws for it).
    try {
      text = String(value)
    }
    catch {
      text = '[a value with no text form]'
    }
  }
  const limit = Math.max(0, Number(settings.maxContentChars) || 0)
  return cutTextWith(text, limit, '…')
}

/**
 * The content of a result cut in its isolation worker (`ToolCallOutcome.cut`: only the first bytes
 * of its JSON) as a span shows it, the same as for the whole result in-process: a string result is
 * its text (`contentValue` does not quote a string), not its JSON with quotes and escapes — decoded
 * from only as much of the JSON as the span keeps, never the megabytes.
 */
export function cutResultContent(settings: TelemetrySettings, json: string): string | undefined {
  if (!settings.recordContent) return undefined
  // One character is at most 6 units of JSON (`\uXXXX`); one more than the span keeps tells a cut.
  const limit = Math.max(0, Number(settings.maxContentChars) || 0)
  const whole = /^"((?:[^"\\]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*)/.exec(json.slice(0, (limit + 2) * 6))
  return contentValue(settings, whole ? JSON.parse(`"${whole[1]}"`) as string : json)
}

/**
 * An error's text as a span shows it: content (only with `recordContent`), redacted as a log line
 * is — a tool's or a node's error can quote a URL's token, a bearer header or a connection
 * string's password, and no secret reaches a span, whatever the settings. Only as much of it is
 * read as the span keeps (and a margin: a secret the cut would split is redacted whole).
 */
export function errorContentValue(settings: TelemetrySettings, error: unknown): string | undefined {
  if (!settings.recordContent) return undefined
  return contentValue(settings, redactForContent(error, Math.max(0, Number(settings.maxContentChars) || 0)))
}

/** Adds `key: content` when content is recorded. */
export function withContent(attributes: Attributes, settings: TelemetrySettings, key: string, value: unknown): Attributes {
  const text = contentValue(settings, value)
  if (text !== undefined) attributes[key] = text
  return attributes
}

/** The stable code of a failure: `JobFailure` / `JobAbortedError` / model and tool errors carry one. */
export function errorCodeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null | undefined)?.code
  return typeof code === 'string' && code ? code : 'internal-error'
}

/**
 * Marks a span as ended by `error`: `error.type` = its code and status ERROR with the code as its
 * message. The error's own message only with `recordContent` (messages can quote prompts or
 * arguments). A user's abort is not an error of the operation: it gets `background_jobs.aborted`,
 * as does an input request's `onTimeout: 'abort'` (`input-timeout`), which ends the job `aborted`
 * as if the user had aborted it.
 */
export function markFailure(span: Span, error: unknown, settings: TelemetrySettings): void {
  const code = errorCodeOf(error)
  span.setAttribute(ATTR.errorType, code)
  if (error instanceof JobAbortedError && ABORTED_CODES.has(error.code)) {
    span.setAttribute(ATTR.aborted, true)
    return
  }
  // The run stopped here because the job went to another instance (a deploy's hand-off, a lost
  // lease): as for the job's own span, not a failure of this step — every rolling deploy would
  // otherwise count its running model rounds and tool calls as errors.
  if (error instanceof JobAbortedError && code === 'owner-lost') {
    span.setAttribute(ATTR.runOutcome, 'handed-off')
    return
  }
  const message = errorContentValue(settings, error instanceof Error ? error.message : String(error))
  if (message !== undefined) span.setAttribute(ATTR.errorMessage, message)
  span.setStatus({ code: SpanStatusCode.ERROR, message: code })
}
