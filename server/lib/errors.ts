/**
 * Engine errors: one small class per failure, each with the HTTP status a route maps it to.
 * Routes turn them into `createError` in one place (server/lib/http/handler.ts).
 */

import { envNameOf } from './config'
import { shownInput } from './shown-input'

/** Base class: every engine error names its HTTP status. */
export class BackgroundJobsError extends Error {
  readonly statusCode: number = 500
}

/**
 * Why a start failed that trying again alone cannot end: the store answered and refused this
 * server — its credentials (`store-auth-refused`), its rights on the keys or channels
 * (`store-access-denied`), a server that cannot run it (`store-unsupported`), or a Convex
 * deployment without this version's functions (`store-functions-outdated`: none, or older ones).
 * The start is still tried again (a fix on the store's side, a deploy, is picked up), but the
 * health route says `failed` with this reason at once (start-failure.ts).
 */
export type StoreNeedsFix = 'store-auth-refused' | 'store-access-denied' | 'store-unsupported' | 'store-functions-outdated'

/**
 * The job store could not be reached when the engine started (its server down or restarting): the
 * engine tries again with backoff (engine-startup.ts), and requests get a 503 meanwhile.
 */
export class StoreUnreachableError extends Error {
  override name = 'StoreUnreachableError'
  /** Set by a failure someone must fix (a wrong password): see `StoreNeedsFix`. Unset: it may pass by itself. */
  readonly needsFix?: StoreNeedsFix
}

/** The job does not exist, or belongs to another user (never a 403: that would confirm it exists). */
export class JobNotFoundError extends BackgroundJobsError {
  override readonly name = 'JobNotFoundError'
  override readonly statusCode = 404
  constructor(readonly jobId: string) {
    // The id as the client sent it, cut when it is long (shown-input.ts).
    super(`Job ${shownInput(jobId)} not found`)
  }
}

/** No thread of this user has that id (another user's thread is the same 404). */
export class ThreadNotFoundError extends BackgroundJobsError {
  override readonly name = 'ThreadNotFoundError'
  override readonly statusCode = 404
  constructor(readonly threadId: string) {
    super(`Thread ${shownInput(threadId)} not found`)
  }
}

/** The `limits` setting of each concurrency scope (the message's and `requests_refused_total`'s name). */
export const CONCURRENCY_SETTINGS = {
  user: 'maxConcurrentJobsPerUser',
  address: 'maxConcurrentAnonymousJobsPerAddress',
  global: 'maxConcurrentJobs',
} as const

/** Too many jobs running, globally, for this user, or for this anonymous client address. */
export class ConcurrencyLimitError extends BackgroundJobsError {
  override readonly name = 'ConcurrencyLimitError'
  override readonly statusCode = 429
  constructor(readonly scope: keyof typeof CONCURRENCY_SETTINGS, readonly limit: number, readonly retryAfterSeconds: number) {
    super(scope === 'user'
      // A job waiting for the user's answer holds its slot too: "running" alone sent users looking for work they could not see.
      ? `You already have ${limit} ${limit === 1 ? 'job' : 'jobs'} running or waiting for an answer (limits.maxConcurrentJobsPerUser); wait for ${limit === 1 ? 'it' : 'one'} to finish, or answer or stop ${limit === 1 ? 'it' : 'one'}`
      : scope === 'address'
        // Anonymous users from one address share it: a client that drops its cookie is a new user per job.
        ? `Anonymous users from your address already have ${limit} ${limit === 1 ? 'job' : 'jobs'} running or waiting for an answer (limits.maxConcurrentAnonymousJobsPerAddress); wait for one to finish, or sign in`
        : `The server is running its maximum of ${limit} jobs (limits.maxConcurrentJobs); try again shortly`)
  }
}

/** A request rate or size limit was exceeded. */
export class RateLimitError extends BackgroundJobsError {
  override readonly name = 'RateLimitError'
  override readonly statusCode = 429
  /**
   * @param setting The `limits` setting that refused (`createPerMinute`, `maxStreamsPerUser`, …):
   *   the `limit` label of `requests_refused_total`.
   */
  constructor(message: string, readonly retryAfterSeconds: number, readonly setting: string = 'other') {
    super(message)
  }
}

/** A feature flag is off. */
export class FeatureDisabledError extends BackgroundJobsError {
  override readonly name = 'FeatureDisabledError'
  override readonly statusCode = 503
  /** `byHook`: the global flag is on, the app's `background-jobs:feature-flags` hook switched it off for this user. */
  constructor(readonly flag: string, readonly byHook = false) {
    super(byHook
      ? `Background jobs feature ${flag} is switched off for this user by the app's background-jobs:feature-flags hook (the global flag ${flag}, ${envNameOf(flag)}, is on)`
      : `Background jobs feature is disabled by the flag ${flag} (${envNameOf(flag)})`)
  }
}

/** No model can answer: no API key, and the built-in scripted model is not enabled. */
export class ModelNotConfiguredError extends BackgroundJobsError {
  override readonly name = 'ModelNotConfiguredError'
  override readonly statusCode = 503
  constructor() {
    super(`No model is configured: set ${envNameOf('upstream.apiKey')} (or OPENROUTER_API_KEY when upstream.baseUrl is OpenRouter's), or enable the built-in scripted model for demos with ${envNameOf('scripted.enabled')}=true`)
  }
}

/** The request carries no user and anonymous users are off (`allowAnonymous`). */
export class UnauthenticatedError extends BackgroundJobsError {
  override readonly name = 'UnauthenticatedError'
  override readonly statusCode = 401
  constructor() {
    super(`Sign in first: this server does not accept anonymous users (allowAnonymous, ${envNameOf('allowAnonymous')})`)
  }
}

/**
 * A request that changes something came from a page of another origin (`Sec-Fetch-Site`, or
 * `Origin` against `Host`): refused before the user is resolved, the same for every job id.
 */
export class CrossSiteRequestError extends BackgroundJobsError {
  override readonly name = 'CrossSiteRequestError'
  override readonly statusCode = 403
}

/** The server is shutting down and takes no new jobs (another instance can). */
export class ShuttingDownError extends BackgroundJobsError {
  override readonly name = 'ShuttingDownError'
  override readonly statusCode = 503
  /** What the 503 tells clients to wait (`Retry-After`): another instance, or this one restarted, answers by then. */
  readonly retryAfterSeconds = 5
  constructor() {
    super('This server is shutting down and takes no new jobs; retry shortly')
  }
}

/**
 * The instance running a job did not answer in time (and the job did not end). A 503 with
 * `Retry-After`: by then its lease has lapsed (the wait is longer), and another instance's recovery
 * scan, every `lease.heartbeatMs`, takes the job over — a retry after that reaches the new owner.
 */
export class OwnerUnreachableError extends BackgroundJobsError {
  override readonly name = 'OwnerUnreachableError'
  override readonly statusCode = 503
  constructor(jobId: string, waitedMs: number, readonly retryAfterSeconds: number) {
    super(`The server running job ${jobId} did not answer within ${waitedMs} ms; retry shortly`)
  }
}

/**
 * The instance running a job answered a forwarded abort or answer with a 5xx of its own (its store
 * failed it, an app schema's 503, an unexpected error). A 503 with `Retry-After` as for an owner
 * that did not answer: the owner's words (its store's address, the driver's message) are for the
 * operator's log, never the client, who only learns to retry.
 */
export class OwnerFailedError extends BackgroundJobsError {
  override readonly name = 'OwnerFailedError'
  override readonly statusCode = 503
  constructor(jobId: string, readonly retryAfterSeconds: number) {
    super(`The server running job ${jobId} could not act on the request; retry shortly`)
  }
}

/**
 * The app's `background-jobs:resolve-user` hook failed (its session store is down, a bug): the
 * request cannot know whose it is, so it is refused (503 + Retry-After) — never served as the
 * anonymous cookie's user, which would show a signed-in user someone else's (empty) list.
 */
export class UserUnresolvedError extends BackgroundJobsError {
  override readonly name = 'UserUnresolvedError'
  override readonly statusCode = 503
  readonly retryAfterSeconds = 5
  constructor(options?: { cause?: unknown }) {
    super('Could not tell who is asking (the app\'s resolve-user hook failed); retry shortly', options)
  }
}

/**
 * The job store did not answer in time (or is unreachable): routes answer 503 with `Retry-After`
 * instead of hanging. The message names the store and, for the log, why; `clientMessage` is what
 * a client reads — without the driver's words, which can hold the store's address
 * (`connect ECONNREFUSED 10.0.3.7:6379`) or advice meant for the operator.
 */
export class ProviderUnavailableError extends BackgroundJobsError {
  override readonly name: string = 'ProviderUnavailableError'
  override readonly statusCode = 503
  readonly clientMessage: string
  constructor(readonly provider: string, message: string, readonly retryAfterSeconds: number, options?: { cause?: unknown, clientMessage?: string }) {
    super(message, options)
    this.clientMessage = options?.clientMessage ?? message
  }
}

/** The request asks for something that does not exist (an unknown workflow, tool name …). */
export class InvalidRequestError extends BackgroundJobsError {
  override readonly name = 'InvalidRequestError'
  override readonly statusCode = 400
}

/** The answer does not fit the input request (wrong shape); the job keeps waiting. */
export class InvalidAnswerError extends BackgroundJobsError {
  override readonly name = 'InvalidAnswerError'
  override readonly statusCode = 400
}

/**
 * The app's own code in a schema check (a refine, superRefine, transform or preprocess that looks
 * something up) threw: the check could not run, which says nothing about the client's value (its
 * database was down). A 500 — or the 5xx the thrown error carries as `statusCode` (an app's
 * `createError({ statusCode: 503 })` for an outage) — with a message that quotes nothing of the
 * error; the route logs it whole (http/handler.ts), naming the schema.
 */
export class SchemaCheckFailedError extends BackgroundJobsError {
  override readonly name = 'SchemaCheckFailedError'
  override readonly statusCode: number
  /** @param schema What was checked: `workflow "x" input`, `input node "ask" answer`. */
  constructor(readonly schema: string, error: unknown) {
    super(`The ${schema} could not be checked: the app's schema check failed on the server (it is logged); this is not a problem with the value sent, retry later`, { cause: error })
    const status = (error as { statusCode?: unknown } | null)?.statusCode
    this.statusCode = typeof status === 'number' && Number.isInteger(status) && status >= 500 && status <= 599 ? status : 500
  }
}

/** The input request was already answered, expired, or never existed for this job. */
export class InputConflictError extends BackgroundJobsError {
  override readonly name = 'InputConflictError'
  override readonly statusCode = 409
  constructor(readonly requestId: string, reason: string) {
    super(`Input request ${requestId} ${reason}`)
  }
}

/** An `Idempotency-Key` came again with another request than the one it started a job for (idempotency.ts). */
export class IdempotencyKeyReusedError extends BackgroundJobsError {
  override readonly name = 'IdempotencyKeyReusedError'
  override readonly statusCode = 422
  constructor(readonly key: string, readonly jobId: string) {
    super(`Idempotency-Key ${JSON.stringify(key)} was already used for a different request (job ${jobId}): send a new key with a new request`)
  }
}

/** A job asked to be deleted has not ended: it must be aborted (and have ended) first. */
export class JobActiveError extends BackgroundJobsError {
  override readonly name = 'JobActiveError'
  override readonly statusCode = 409
  constructor(readonly jobId: string, readonly status: string) {
    super(`Job ${jobId} is ${status}: only a job that has ended can be deleted. Abort it first (POST /api/jobs/${jobId}/abort) and delete it once it has ended`)
  }
}

/** The reason a job was aborted (the AbortSignal's `reason`). */
export class JobAbortedError extends Error {
  override readonly name = 'JobAbortedError'
  constructor(readonly code: 'aborted' | 'timeout' | 'shutdown' | 'input-timeout' | 'owner-lost' | 'event-too-large' | 'store-unreachable' | 'store-refused', message: string) {
    super(message)
  }
}
