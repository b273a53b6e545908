/**
 * What follows a failed attempt of a model round, shared by the pushed (consume.ts) and pulled
 * (client.ts) clients: `planRetry` throws the error that ends the round, or says how long to wait
 * and what usage the failed attempts were billed (reported before the wait: a job stopped during it
 * stores them in its end, which is written at once); `waitToRetry` waits that long.
 */
import { abortableDelay, abortReason } from './abortable'
import type { ClientOptions } from './client'
import { ModelError } from './errors'
import type { RetriedUsage } from './retried-usage'
import type { ModelEvent } from './types'
import { retryDelayMs } from './upstream-request'

export interface RetryPlan {
  error: ModelError
  delayMs: number
  /** The usage billed so far, to report before the wait (null when none was). */
  billed: ModelEvent | null
}

/**
 * Throws unless the round may try again: stopped, not retryable, out of retries, or the attempt
 * already sent an event (a retry would repeat it).
 */
export function planRetry(error: unknown, attempt: number, answered: boolean, options: ClientOptions, signal: AbortSignal, usage: RetriedUsage): RetryPlan {
  if (signal.aborted) throw abortReason(signal)
  if (answered || !(error instanceof ModelError) || !error.retryable || attempt >= options.maxRetries) throw usage.failed(error)
  // A Retry-After longer than the cap throws here: no retry is counted or waited for. Nor is this
  // attempt's usage kept for a retry before one is decided: on the error that ends the round (this
  // one, the time left refusing the wait), it would count twice.
  const delayMs = usage.whileRetrying(() => retryDelayMs(options, error, attempt))
  return { error, delayMs, billed: usage.retried(error) }
}

/** Waits out a planned retry's delay (an abort ends the wait with its reason). */
export async function waitToRetry(plan: RetryPlan, signal: AbortSignal, options: ClientOptions): Promise<void> {
  await abortableDelay(plan.delayMs, signal, options.timers)
  // Counted once the request is about to be sent again: an abort during the wait sends none.
  options.onRetry?.(plan.error)
}
