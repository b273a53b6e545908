/**
 * The `convex` provider's own errors: boot errors naming the missing setting, and the error a
 * call refused for its credential becomes (convex/access.ts).
 */
import { MAX_REQUEST_BYTES } from '../../../convex/limits'
import { MIN_SECRET_LENGTH, SERVER_SECRET_VARIABLE } from '../../../convex/secret'
import { utf8ByteLength } from '../bytes'
import { BackgroundJobsError, ProviderUnavailableError } from '../errors'
import { ConvexPackageMissingError } from './convex-facade'
import { StoreRefusedError } from './store-refused'
import type { Logger } from '../logger'
import { createConsoleLogger } from '../logger'

/** At most this much of Convex's own message is kept in a `ConvexCallError`'s message. */
const CAUSE_MESSAGE_CHARS = 500

/** Convex's own message, cut to `CAUSE_MESSAGE_CHARS`. */
function cut(said: string): string {
  return said.length > CAUSE_MESSAGE_CHARS ? `${said.slice(0, CAUSE_MESSAGE_CHARS)}…` : said
}

/** Thrown at boot when the `convex` provider is selected without a deployment URL. */
export class ConvexUrlMissingError extends Error {
  constructor() {
    super('The convex provider needs a deployment URL: set NUXT_BACKGROUND_JOBS_CONVEX_URL (runtimeConfig.backgroundJobs.convexUrl).')
    this.name = 'ConvexUrlMissingError'
  }
}

/** Thrown at boot when the `convex` provider is selected without the servers' secret (or a short one). */
export class ConvexSecretMissingError extends Error {
  constructor(given: string) {
    super(given
      ? `The convex provider's secret is too short: ${SERVER_SECRET_VARIABLE} needs at least ${MIN_SECRET_LENGTH} characters (and the same value as the deployment's BACKGROUND_JOBS_SECRET).`
      : `The convex provider needs the servers' secret: set ${SERVER_SECRET_VARIABLE} (runtimeConfig.backgroundJobs.convexSecret) to the deployment's BACKGROUND_JOBS_SECRET (npx convex env set BACKGROUND_JOBS_SECRET …), at least ${MIN_SECRET_LENGTH} characters.`)
    this.name = 'ConvexSecretMissingError'
  }
}

/**
 * Convex refused the servers' secret, or the deployment has none: a configuration error. At boot
 * it fails the check (convex-boot-check.ts); after boot (a rotation done wrong, the deployment's
 * secret changed or removed) every call meets it: a 503 with `Retry-After` whose client message
 * names no setting, its message (naming the settings, never the secret) logged once per outage by
 * the routes — it was a 500 that told each client the operator's variables and logged nothing.
 */
export class ConvexAccessError extends ProviderUnavailableError {
  override readonly name = 'ConvexAccessError'
  constructor(message: string, retryAfterSeconds: number, options?: { cause?: unknown }) {
    super('convex', message, retryAfterSeconds, { ...options, clientMessage: 'The job store (Convex) refused this server: its configuration needs fixing; retry later' })
  }
}

/**
 * A job's request or an input answer too big for one Convex document: 413 naming the size and the
 * setting that lets it in (nothing is stored). Only an app that raised `limits.maxBodyBytes` past
 * `MAX_REQUEST_BYTES` can meet it.
 */
export class ConvexTooLargeError extends BackgroundJobsError {
  override readonly name = 'ConvexTooLargeError'
  override readonly statusCode = 413
  constructor(what: 'request' | 'answer', bytes: number) {
    super(`This ${what} is ${bytes} bytes as JSON, and the convex provider stores at most ${MAX_REQUEST_BYTES} bytes per ${what} (a Convex document holds 1 MiB): send less, or keep limits.maxBodyBytes (NUXT_BACKGROUND_JOBS_LIMITS_MAX_BODY_BYTES) under ${MAX_REQUEST_BYTES}`)
  }
}

/** Throws `ConvexTooLargeError` when `json` does not fit the document it goes to. */
export function assertStorable(what: 'request' | 'answer', json: string | undefined): void {
  const bytes = json === undefined ? 0 : utf8ByteLength(json)
  if (bytes > MAX_REQUEST_BYTES) throw new ConvexTooLargeError(what, bytes)
}

/**
 * A rate window Convex cannot count (`rates:take`, `jobs:create`'s `rate`): a limit ≤ 0, not a
 * number or above 10,000, or a window ≤ 0 or over an hour. A caller's bug, not an outage: a 500
 * naming the argument, never a 503 that asks to retry the same call. The engine never sends one
 * (a limit ≤ 0 is off and skips the call).
 */
export class ConvexInvalidRateError extends BackgroundJobsError {
  override readonly name = 'ConvexInvalidRateError'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/**
 * What Convex (a development deployment, convex-test) says when a function passes one of its
 * limits: bytes, documents or index ranges read or written in one execution, a value, document or
 * array too large. Production deployments say only `Server Error`, which stays a `ConvexCallError`.
 */
const LIMIT_WORDING = /in a single function execution|this is a convex limit|\b(value|document|array|object|arguments?|return value)\b[^.]{0,40}\btoo (large|long|many)\b/i

/**
 * A call Convex refused for passing one of its limits: the same call fails the same way however
 * often it is sent, so a 500 naming the function and the limit, without `Retry-After` — it was a
 * 503 "retry shortly". The provider logs it (`createLimitErrorLog`): it is a case the layer does
 * not keep under Convex's limits yet.
 */
export class ConvexLimitError extends StoreRefusedError {
  override readonly name = 'ConvexLimitError'
  constructor(what: string, said: string, options?: { cause?: unknown }) {
    super('convex', `Convex refused ${what}: it passes one of Convex's limits (${said}); sending it again will not help`, options)
  }
}

/**
 * What Convex says when it refuses a call for what the call is, not for its own state, with what
 * that means: the same call fails the same way however often it is sent (a deploy of the
 * functions and the servers that do not match, a bug). Production deployments name these for
 * the arguments (`ArgumentValidationError`) and a missing function; an error thrown inside a
 * function (a schema refusing a document) they report only as `Server Error`, which stays a
 * `ConvexCallError` (retried). convex-test says `Validator error:` for arguments and documents.
 */
const REFUSAL_WORDING: ReadonlyArray<[RegExp, string]> = [
  [/ArgumentValidationError|^Validator error:/m, 'its arguments do not pass the function\'s validator'],
  [/ReturnsValidationError/, 'its return value does not pass the function\'s validator'],
  [/does not match the schema|Schema validation failed/i, 'a document it writes does not match the deployment\'s schema'],
  [/Could not find public function/i, 'the deployment has no such function'],
]

/**
 * A call Convex refused for what it is (see `REFUSAL_WORDING`), or one the function refuses as too
 * large (`too-large`: an append over its sizes): a 500 naming the function and why, without
 * Convex's words (they quote the value sent; they are in `cause`, for the log). The persist queue
 * does not retry it: the job ends `failed` with `store-refused`.
 */
export class ConvexRefusedError extends StoreRefusedError {
  override readonly name = 'ConvexRefusedError'
  constructor(what: string, why: string, options?: { cause?: unknown }) {
    super('convex', `Convex refused ${what}: ${why}; sending it again will not help (the functions deployed to Convex and this server's version may not match)`, options)
  }
}

/** Why Convex refused a call for good, in words, or null when what it said is not such a refusal. */
export function refusalOf(error: unknown, said: string): string | null {
  const data = (error as { data?: { code?: unknown } } | null)?.data
  if (data?.code === 'too-large') return 'what it was sent is larger than the function takes'
  return REFUSAL_WORDING.find(([wording]) => wording.test(said))?.[1] ?? null
}

/** How long after a function's limit error is logged whole the next ones of that function are only counted. */
export const LIMIT_LOG_WINDOW_MS = 60_000

/**
 * The log of `ConvexLimitError`s. The same call is sent again and again (every probe, poll and tab
 * that reads a job too large to read; the persist queue's retries of an append): logged whole at
 * every call, one line per request buried the log. A function's error is logged whole at most
 * once per `LIMIT_LOG_WINDOW_MS`; the next line says how many were not (`notLoggedSince`). Keyed
 * by function name (a bounded set); no timer.
 */
export function createLimitErrorLog(logger: Logger, now: () => number = () => Date.now()) {
  const lastLine = new Map<string, { at: number, notLogged: number }>()
  return (what: string, error: ConvexLimitError): void => {
    const at = now()
    const last = lastLine.get(what)
    // A clock set back logs at once, rather than staying quiet until it caught up.
    if (last && at >= last.at && at - last.at < LIMIT_LOG_WINDOW_MS) {
      last.notLogged++
      return
    }
    lastLine.set(what, { at, notLogged: 0 })
    logger.error('a Convex call passed one of Convex\'s limits', { function: what, error, ...(last?.notLogged ? { notLoggedSince: last.notLogged } : {}) })
  }
}

/** The log of the calls made without a provider's own (`createLimitErrorLog` on the console). */
let consoleLimitLog: ReturnType<typeof createLimitErrorLog> | null = null

/**
 * Convex answered a call with an error (in production most are just `Server Error`: a conflict
 * that outlasted Convex's retries, an overloaded deployment, a transaction limit): 503 with
 * `Retry-After` and a message naming Convex and the function, never a bare 500. Not a timeout:
 * the call did not commit.
 */
export class ConvexCallError extends ProviderUnavailableError {
  override readonly name = 'ConvexCallError'
  constructor(what: string, cause: unknown, retryAfterSeconds: number) {
    const said = cause instanceof Error ? cause.message : String(cause)
    super('convex', `Convex failed ${what}: ${cut(said) || 'no message'}; the job store could not answer, retry shortly`, retryAfterSeconds, { cause, clientMessage: 'The job store (Convex) could not answer; retry shortly' })
  }
}

/**
 * Rethrows a failed call's error as what the routes should answer: an access refusal of
 * convex/access.ts as `ConvexAccessError` (its message names the settings), a rate window Convex
 * cannot count as `ConvexInvalidRateError`, our own errors and a missing `convex` package as they
 * are, a call Convex refused for what it is as `ConvexRefusedError` (500, never retried), a limit of Convex's passed as `ConvexLimitError` (500, logged by `logLimit`: createLimitErrorLog), and anything else Convex said as
 * `ConvexCallError` (503).
 */
export function explainFailure(error: unknown, what: string, retryAfterSeconds: number, logLimit?: (what: string, error: ConvexLimitError) => void): never {
  const data = (error as { data?: { code?: string, message?: string } })?.data
  if (data && (data.code === 'unauthorized' || data.code === 'not-configured') && data.message) {
    throw new ConvexAccessError(data.message, retryAfterSeconds, { cause: error })
  }
  if (data?.code === 'invalid-rate' && data.message) throw new ConvexInvalidRateError(data.message, { cause: error })
  if (error instanceof BackgroundJobsError || error instanceof ConvexPackageMissingError) throw error
  const said = error instanceof Error ? error.message : String(error)
  const refused = refusalOf(error, said)
  if (refused) throw new ConvexRefusedError(what, refused, { cause: error })
  if (LIMIT_WORDING.test(said)) {
    const limitError = new ConvexLimitError(what, cut(said), { cause: error })
    // Routes map a 500 of the layer's without a log line: this one is for the operator too.
    const log = logLimit ?? (consoleLimitLog ??= createLimitErrorLog(createConsoleLogger()))
    log(what, limitError)
    throw limitError
  }
  throw new ConvexCallError(what, error, retryAfterSeconds)
}
