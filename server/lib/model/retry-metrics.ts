/**
 * Counts model requests sent again (`model_retries_total{reason}`), so an operator sees a rate
 * limited or flaky upstream before jobs fail: retried-then-succeeded requests leave no other trace.
 * The reason is one of a few fixed values, never the upstream's status text or message.
 */
import { useMetrics } from '../metrics'
import type { ModelError } from './errors'
import { UpstreamHttpError, UpstreamStreamError } from './errors'

/** Why a request was sent again: a 429, any 5xx, a network failure, or another retryable code. */
export const MODEL_RETRY_REASONS = ['http-429', 'http-5xx', 'network', 'other'] as const

/** One of `MODEL_RETRY_REASONS`. */
export type ModelRetryReason = typeof MODEL_RETRY_REASONS[number]

/**
 * The bounded reason of a retryable error. An error chunk that carries the status (OpenRouter
 * answers 200, then reports the provider's 429 or 502 in the stream) counts as that status.
 */
export function retryReason(error: ModelError): ModelRetryReason {
  if (error instanceof UpstreamHttpError) return error.status === 429 ? 'http-429' : 'http-5xx'
  if (error instanceof UpstreamStreamError) {
    const status = Number(String(error.upstreamCode ?? '').trim())
    if (status === 429) return 'http-429'
    if (status >= 500 && status <= 599) return 'http-5xx'
  }
  return error.code === 'upstream-network' ? 'network' : 'other'
}

/** Counts one retry of a model request in the process registry. */
export function countModelRetry(error: ModelError): void {
  useMetrics().increment('model_retries_total', { reason: retryReason(error) })
}
