/**
 * Turning a failed upstream response or a thrown fetch error into a `ModelError`, with the API key
 * scrubbed from anything that ends up in a message.
 */
import { cutText } from '../../../shared/cut-text'
import type { EchoedSecrets } from './echoed-secrets'
import { secretList, SECRET_PART_CHARS } from './echoed-secrets'
import { redactText } from '../secret-patterns'
import { holdsSecret, withoutSecretRuns } from './secret-runs'
import type { TimerSet } from '../timers'
import { raceAbort } from './abortable'
import { describeErrorBody, errorBodyNames } from './error-body'
import { ModelError, UPSTREAM_MESSAGE_CHARS, UpstreamHttpError, UpstreamNetworkError, UpstreamRateLimitedError, UpstreamStreamError } from './errors'
import type { UpstreamResponse } from './transport'

/**
 * Most bytes of an error body read: its gist needs the start (a JSON error, an HTML page's title);
 * a proxy's multi-megabyte page, or a body that never ends, is not held in memory whole.
 */
export const ERROR_BODY_BYTES = 64 * 1024

/**
 * Longest time spent reading an error body. The status is known once the headers came: a body that
 * never ends (a proxy that keeps the connection open) must not hold the round until the
 * first-token timeout, which would report `upstream-timeout` (not retried) instead of the status.
 */
export const ERROR_BODY_READ_MS = 5_000

/**
 * An `UpstreamHttpError` for a non-2xx response: status, the gist of its body (error-body.ts),
 * `Retry-After`. With `timers`, the body is read for at most `ERROR_BODY_READ_MS`.
 */
export async function httpErrorFrom(response: Pick<UpstreamResponse, 'status' | 'headers' | 'text'>, secrets: EchoedSecrets, signal: AbortSignal, timers?: TimerSet): Promise<UpstreamHttpError> {
  let body = ''
  let timedOut = false
  const readLimit = new AbortController()
  const cancelTimer = timers?.timeout(() => {
    timedOut = true
    readLimit.abort()
  }, ERROR_BODY_READ_MS)
  try {
    body = await raceAbort(response.text(ERROR_BODY_BYTES), timers ? AbortSignal.any([signal, readLimit.signal]) : signal)
  }
  catch (error) {
    if (signal.aborted) throw error
    // An unreadable error body still leaves the status to report.
  }
  finally {
    cancelTimer?.()
  }
  const redacted = redact(body, secrets)
  const gist = isRedirect(response.status)
    ? describeRedirect(response.headers.get('location'))
    : timedOut ? `its body did not end within ${ERROR_BODY_READ_MS / 1000} s` : describeErrorBody(redacted)
  // Other secrets too (another key a proxy quotes, a token; secret-patterns.ts), read only as far as
  // the excerpt and a margin: the job's error, which its user reads, never shows one.
  const excerpt = cutText(redactText(cutText(redact(gist, secrets), UPSTREAM_MESSAGE_CHARS + EXCERPT_REDACTION_MARGIN)), UPSTREAM_MESSAGE_CHARS)
  // Its names (`context_length_exceeded`) too: the job's error keeps one as `upstreamCode` (upstream-code.ts).
  return new UpstreamHttpError(response.status, excerpt, parseRetryAfterMs(response.headers.get('retry-after')), timedOut ? {} : errorBodyNames(redacted))
}

/** How far past the excerpt a secret is looked for (one that straddles its cut is hidden whole). */
const EXCERPT_REDACTION_MARGIN = 200

function isRedirect(status: number): boolean {
  return status >= 300 && status < 400
}

/** Where a 3xx points (without its query: it may hold a token), and that it is not followed. */
function describeRedirect(location: string | null): string {
  let target = ''
  try {
    if (location) {
      const url = new URL(location, 'http://upstream.invalid')
      target = url.host === 'upstream.invalid' ? url.pathname : `${url.protocol}//${url.host}${url.pathname}`
    }
  }
  catch {
    // An unparsable Location is left out.
  }
  return `a redirect${target ? ` to ${target}` : ''}, which the client does not follow: set upstream.baseUrl to the final address`
}

/**
 * Any thrown value as a `ModelError`; what is not one already was a network failure.
 * `whileReading`: the endpoint had answered (status and headers) and its body was being read.
 */
export function toModelError(error: unknown, secrets: EchoedSecrets, whileReading = false): ModelError {
  if (error instanceof ModelError) {
    // An upstream may echo the key in a mid-stream error chunk: scrub it like an HTTP error body.
    error.message = redact(error.message, secrets)
    withoutSecretNames(error, secrets)
    return error
  }
  const message = error instanceof Error ? error.message : String(error)
  const cause = error instanceof Error ? error.cause : undefined
  // undici says "fetch failed" and puts the useful part (ECONNREFUSED …) in the cause.
  const detail = cause instanceof Error && cause.message ? `${message} (${cause.message})` : message
  // node:http says only "aborted" for a connection reset mid-body: its code says what happened.
  const code = (error as { code?: unknown } | null)?.code
  const named = typeof code === 'string' && code && !detail.includes(code) ? `${detail} (${code})` : detail
  return new UpstreamNetworkError(redact(named, secrets), error, whileReading)
}

/**
 * An endpoint's name for the failure (`error.code`, `error.type`) that holds a secret, or a part
 * of one (secret-runs.ts), replaced by `[redacted]`: upstream-code.ts keeps a name as the job
 * error's `upstreamCode`, which its user reads. The name is a field of its own, which the message's
 * scrubbing (`redact`) does not reach, so it is checked here.
 */
function withoutSecretNames(error: ModelError, secrets: EchoedSecrets): void {
  if (!(error instanceof UpstreamHttpError || error instanceof UpstreamRateLimitedError || error instanceof UpstreamStreamError)) return
  if (typeof error.upstreamCode === 'string' && holdsSecret(error.upstreamCode, secrets)) error.upstreamCode = '[redacted]'
  if (typeof error.upstreamType === 'string' && holdsSecret(error.upstreamType, secrets)) error.upstreamType = '[redacted]'
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; `undefined` when absent or invalid. */
export function parseRetryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined
  const value = header.trim()
  if (/^\d+(?:\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000)
  // An HTTP date starts with the day's name; Date.parse would also read '-1' or '7' as a year.
  if (!/^[a-z]{3}/i.test(value)) return undefined
  const date = Date.parse(value)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - Date.now())
}

/** `text` matched literally in a RegExp. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * Removes the API key (or every secret given: echoed-secrets.ts), whatever its case, and any part
 * of it the upstream echoes (secret-runs.ts), and any bearer token an upstream might echo back.
 */
export function redact(text: string, secrets: EchoedSecrets): string {
  const list = secretList(secrets)
  // A secret of SECRET_PART_CHARS or more wherever it stands, in any case (a proxy that upper-cases
  // what it quotes), and any run of that many of its characters (a prefix, the key cut at a line
  // break or with its middle elided). A shorter one is a local server's placeholder (`x`, `none`,
  // `EMPTY`), no secret: only where it stands as a token of its own, as written — scrubbed as a
  // plain substring, `x` turned every x of an error message into `[redacted]`, and in any case every "none".
  let result = text.replace(/Bearer\s+[\w.~+/=-]+/gi, 'Bearer [redacted]')
  // A long secret with a space in it (a passphrase) whole, in any case: its parts across a space are
  // words any message may hold (secret-runs.ts leaves them), so it is scrubbed whole first.
  for (const secret of list) {
    if (secret.length >= SECRET_PART_CHARS && /\s/.test(secret)) result = result.replace(new RegExp(escapeRegExp(secret), 'gi'), '[redacted]')
  }
  result = withoutSecretRuns(result, list)
  for (const secret of list) {
    if (secret.length >= SECRET_PART_CHARS) continue
    result = result.replace(new RegExp(`(?<![\\w-])${escapeRegExp(secret)}(?![\\w-])`, 'g'), '[redacted]')
  }
  return result
}
