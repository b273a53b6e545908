/**
 * The one place where engine errors become HTTP: every route is a thin function wrapped by
 * `defineJobsHandler`, which waits for the engine, resolves the user and maps errors.
 */
import type { H3Event } from 'h3'
import { createError, defineEventHandler, setResponseHeader } from 'h3'
import { BackgroundJobsError, CONCURRENCY_SETTINGS, ConcurrencyLimitError, FeatureDisabledError, JobNotFoundError, OwnerFailedError, OwnerUnreachableError, ProviderUnavailableError, RateLimitError, SchemaCheckFailedError, ShuttingDownError, UserUnresolvedError } from '../errors'
import { useBackgroundJobsEngine } from '../engine-instance'
import { createFailureStreakLog } from '../failure-streak-log'
import { useMetrics } from '../metrics'
import { storeAnswers } from '../providers/instrument-provider'
import type { BackgroundJobsEngine } from '../engine'
import type { BackgroundJobsConfig } from '../config'
import { resolveFeatureFlags } from './resolve-flags'
import type { FeatureFlags } from '../feature-flags'
import { assertFeatureOn } from '../feature-flags'
import { assertNotCrossSite } from './cross-site'
import { routesUnderAppBase } from './message-routes'
import { RequestError } from './request'
import { requestIdOf } from './request-id'
import { runInRequestScope } from '../request-scope'
import { resolveUser } from './resolve-user'
import { isNewAnonymousUser, NEW_ANONYMOUS_USER_HINT } from './new-anonymous-user'
import { routeLogger } from './route-logger'
import { logStoreRefusal } from './store-refusal-log'
import { isStoreRefusal } from '../providers/store-refused'
import { ConvexLimitError } from '../providers/convex-errors'
import { acceptsJson, sendErrorAsText } from './text-errors'
import { statesWait } from '../ai-sdk/retry-hint'

/** What a route receives. */
export interface JobsRouteContext {
  event: H3Event
  engine: BackgroundJobsEngine
  userId: string
  config: BackgroundJobsConfig
  /** The global flags refined for this user by the `background-jobs:feature-flags` hook. */
  flags: FeatureFlags
}

/**
 * The routes' 503s for a store that does not answer: the first with its error, then one line when
 * it answers again — once a route succeeded after the store answered a call (storeAnswers): the
 * catalog a health check polls, or a HEAD, succeed during an outage without asking it.
 */
const storeOutageLog = createFailureStreakLog({
  logger: routeLogger,
  failed: 'the job store did not answer a request (503); later ones are not logged until it answers again',
  recovered: 'the job store answers requests again',
  fields: {},
  level: 'warn',
})

/** `storeAnswers()` at the last 503 of an outage. */
let answersAtOutage = Number.POSITIVE_INFINITY

/**
 * The challenge of the routes' 401s. A 401 must name one (RFC 9110 §15.5.2); the login is the
 * app's session cookie, which no registered HTTP scheme names, so it is the scheme of the
 * cookie-based authentication draft (draft-broyer-http-cookie-auth). Browsers show no login dialog
 * for it (they would for `Basic`).
 */
export const SESSION_CHALLENGE = 'Cookie realm="background-jobs"'

/** Maps anything thrown to an h3 error with the right status and a clear message. */
export function toHttpError(event: H3Event, error: unknown) {
  // Ours (allowAnonymous off) and the app's hook's own 401 alike; a challenge the app set (a login
  // by its own header) is kept.
  if ((error as { statusCode?: unknown } | null)?.statusCode === 401 && !event.node.res.hasHeader('www-authenticate')) {
    setResponseHeader(event, 'www-authenticate', SESSION_CHALLENGE)
  }
  // A wait of 0 (`limits.retryAfterSeconds: 0`) states none: no header, as the message says no wait (retry-hint.ts).
  if ((error instanceof ConcurrencyLimitError || error instanceof RateLimitError || error instanceof ProviderUnavailableError || error instanceof UserUnresolvedError || error instanceof ShuttingDownError || error instanceof OwnerUnreachableError || error instanceof OwnerFailedError) && statesWait(error.retryAfterSeconds)) {
    setResponseHeader(event, 'retry-after', error.retryAfterSeconds)
  }
  // Every 429 of the routes, by the setting that refused it (docs/metrics.md).
  if (error instanceof ConcurrencyLimitError) useMetrics().increment('requests_refused_total', { limit: CONCURRENCY_SETTINGS[error.scope] })
  else if (error instanceof RateLimitError) useMetrics().increment('requests_refused_total', { limit: error.setting })
  if (error instanceof ProviderUnavailableError) {
    // Its detail (the driver's words, the store's address) is for the operator, once per outage.
    storeOutageLog.failed(error)
    answersAtOutage = storeAnswers()
    return createError({ statusCode: error.statusCode, statusMessage: error.name, message: error.clientMessage })
  }
  if (error instanceof SchemaCheckFailedError) {
    // The app's schema code threw: its error (redacted and cut by the logger) is for the operator.
    routeLogger.error('an app schema check threw', { method: event.method, path: event.path?.split('?')[0], schema: error.schema, error: error.cause })
  }
  // The store refused the call for what it is (a Convex deployment that does not match): for the operator too.
  // A limit of Convex's is logged where it is met (convex-errors.ts createLimitErrorLog).
  if (isStoreRefusal(error) && !(error instanceof ConvexLimitError)) logStoreRefusal(event, error)
  if (error instanceof BackgroundJobsError || error instanceof RequestError) {
    // A route the message names is named under the app's base path (message-routes.ts).
    const message = routesUnderAppBase(event, error.message) + (error instanceof JobNotFoundError && isNewAnonymousUser(event) ? NEW_ANONYMOUS_USER_HINT : '')
    return createError({ statusCode: error.statusCode, statusMessage: error.name, message })
  }
  if ((error as { statusCode?: number })?.statusCode) return error as Error
  // Which route failed (without its query string: it may carry ids or tokens a client put there).
  routeLogger.error('unexpected error', { method: event.method, path: event.path?.split('?')[0], error })
  return createError({ statusCode: 500, message: 'Internal error' })
}

/** How a route is checked beyond what every route gets. */
export interface JobsRouteOptions {
  /**
   * The route's GET opens a live stream (it holds a stream slot): refused from a page of another
   * origin like a write (cross-site.ts).
   * @default false
   */
  liveStream?: boolean
  /**
   * Errors are answered as their message in plain text unless the request asks for JSON: the
   * routes the AI SDK's transport calls, which shows the body's text as `chat.error.message`
   * (text-errors.ts).
   * @default false
   */
  textErrors?: boolean
}

/** Defines a jobs route: never cached, engine ready, cross-site writes (and live streams) refused, flag checked, user resolved, errors mapped. */
export function defineJobsHandler<T>(handler: (context: JobsRouteContext) => Promise<T> | T, options: JobsRouteOptions = {}) {
  return defineEventHandler(async (event) => {
    // Every answer is the requesting user's (or says whether a job exists for them): no shared
    // cache in front of the app may keep it for the next client. The streams set their own.
    setResponseHeader(event, 'cache-control', 'private, no-store')
    // Model text and tool results are never taken for HTML or script (a stream keeps it too).
    setResponseHeader(event, 'x-content-type-options', 'nosniff')
    // Every line logged while it is handled names the request (request-scope.ts); the answer says its id.
    return await runInRequestScope(requestIdOf(event), async () => {
      try {
        const engine = await useBackgroundJobsEngine()
        const config = engine.getConfig()
        assertNotCrossSite(event, config, options.liveStream)
        if (!config.enabled) throw new FeatureDisabledError('enabled')
        const userId = await resolveUser(event, config)
        const flags = await resolveFeatureFlags(event, userId, config)
        assertFeatureOn('enabled', flags, config)
        const answer = await handler({ event, engine, userId, config, flags })
        if (storeAnswers() > answersAtOutage) storeOutageLog.succeeded()
        return answer
      }
      catch (error) {
        const httpError = toHttpError(event, error)
        if (options.textErrors && !event.node.res.headersSent && !acceptsJson(event)) return sendErrorAsText(event, httpError)
        throw httpError
      }
    })
  })
}
