/**
 * What a client may read of an error once its response has started (inside a stream, where no
 * status can be sent): the message of the layer's own errors, as `toHttpError` sends it in a
 * 4xx/503; anything else is logged and becomes "Internal error", as a 500 does — never a
 * driver's or a bug's text (a store address, a stack-like message).
 */
import { BackgroundJobsError, ProviderUnavailableError } from '../errors'
import { RequestError } from './request'
import { routeLogger } from './route-logger'

/**
 * The message of `error` a client may see; an unexpected one is logged as the routes' 500s are
 * (`unexpected error`, docs/logs.md), naming the request's `method` and `path` — without its query
 * string, which may carry ids or tokens a client put there — when `request` is given.
 */
export function clientErrorMessage(error: unknown, request?: { method: string, path?: string }): string {
  if (error instanceof ProviderUnavailableError) return error.clientMessage
  if (error instanceof BackgroundJobsError || error instanceof RequestError) return error.message
  const { statusCode, message } = (error ?? {}) as { statusCode?: unknown, message?: unknown }
  if (typeof statusCode === 'number' && statusCode < 500 && typeof message === 'string') return message
  routeLogger.error('unexpected error', { ...(request ? { method: request.method, path: request.path?.split('?')[0] } : {}), error })
  return 'Internal error'
}
