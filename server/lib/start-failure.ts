/**
 * Why the engine's start failed, as the health route and `start_failures_total{reason}`
 * name it (a fixed set: no error text, no address, never a secret). The start is tried again while
 * the store may come back (engine-startup.ts); the health route says `starting` while that is all
 * it is, and `failed` with the reason once the store refused this server for a reason trying again
 * alone cannot end (a wrong password: errors.ts `StoreNeedsFix`), or the start failed for good.
 */
import { StoreUnreachableError } from './errors'
import type { Logger } from './logger'
import type { Metrics } from './metrics'
import { createStartupLog } from './startup-log'

/**
 * Every reason: the store not reached (`store-unreachable`, tried again), one of `StoreNeedsFix`
 * (tried again, but `failed` on the health route), or an error no attempt can pass (`start-error`:
 * a missing package, a URL the client cannot read; not tried again).
 */
export const START_FAILURE_REASONS = ['store-unreachable', 'store-auth-refused', 'store-access-denied', 'store-unsupported', 'store-functions-outdated', 'start-error'] as const

/** One of `START_FAILURE_REASONS`. */
export type StartFailureReason = (typeof START_FAILURE_REASONS)[number]

/** A failed start attempt: its reason, and whether the health route says `failed` for it. */
export interface StartFailure {
  reason: StartFailureReason
  /** True when trying again alone cannot end it: the health route says `failed` (with `reason`). */
  failed: boolean
}

/** True when the start is tried again after `error` (the store may come back, or be fixed). */
export function isStartRetryable(error: unknown): boolean {
  return error instanceof StoreUnreachableError
}

/** What a failed start attempt's `error` says to an operator (start-failure.ts). */
export function startFailureOf(error: unknown): StartFailure {
  if (!isStartRetryable(error)) return { reason: 'start-error', failed: true }
  const needsFix = (error as StoreUnreachableError).needsFix
  return needsFix ? { reason: needsFix, failed: true } : { reason: 'store-unreachable', failed: false }
}

/**
 * What the layer's plugin gives `startWithRetry` about failures: each attempt that fails is logged
 * (startup-log.ts) and counted (`start_failures_total{reason}`); `started` logs the start
 * after failures.
 */
export function createStartReport(options: { logger: Logger, metrics: Pick<Metrics, 'increment'> }) {
  const log = createStartupLog(options.logger)
  return {
    isRetryable: isStartRetryable,
    describeFailure: startFailureOf,
    onFailure(error: unknown, retryInMs: number | null): void {
      options.metrics.increment('start_failures_total', { reason: startFailureOf(error).reason })
      log.failed(error, retryInMs)
    },
    started: log.started,
  }
}
