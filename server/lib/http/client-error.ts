/**
 * What a client may read of an error once its response has started (inside a stream, where no
 * status can be sent): the message of the layer's own errors, as `toHttpError` sends it in a
 * 4xx/503; anything else is logged and becomes "Internal error", as a 500 does — never a
 * driver's or a bug's text (a store address, a stack-like message).
 */
import { BackgroundJobsError, ProviderUnavailableError } from '../errors'
import { RequestError } from './request'
import { routeLogger } from './route-logger'

/** The message of `error` a client may see. */
export function clientErrorMessage(error: unknown): string {
  if (error instanceof ProviderUnavailableError) return error.clientMessage
  if (error instanceof BackgroundJobsError || error instanceof RequestError) return error.message
  const { statusCode, message } = (error ?? {}) as { statusCode?: unknown, message?: unknown }
  if (typeof statusCode === 'number' && statusCode < 500 && typeof message === 'string') return message
  routeLogger.error('unexpected error', { error })
  return 'Internal error'
}
