/**
 * Counts what happens to a shared store's live-tail subscriptions (a job's events or controls, a
 * control reply, a user's jobs), so an operator sees a flaky store connection from metrics, not
 * only from log lines: `subscription_failures_total{provider}` (a read or query failed, or a
 * listener threw) and `subscription_reconnects_total{provider}` (the connection came back and
 * every subscription caught up from its cursor).
 */
import type { Metrics } from '../metrics'
import { useMetrics } from '../metrics'

/** The `provider` label: the shared stores that have subscriptions. */
export type SubscribingProvider = 'redis' | 'convex'

/** What a subscription's failure report says besides the error: the job it follows, if one. */
export interface SubscriptionFailureContext {
  jobId: string
}

/** A subscription's failure report. */
export type SubscriptionFailureReport = (error: unknown, context?: SubscriptionFailureContext) => void

/** The counting side of one provider's subscriptions. */
export interface SubscriptionMetrics {
  /** Wraps a failure report: each failure is counted, then reported as before (with its context). */
  failed: (report: SubscriptionFailureReport) => SubscriptionFailureReport
  /** Counts one reconnect of the connection the subscriptions share. */
  reconnected: () => void
}

/** Creates the counters of one provider's subscriptions in `metrics` (the process registry by default). */
export function createSubscriptionMetrics(provider: SubscribingProvider, metrics: Metrics = useMetrics()): SubscriptionMetrics {
  return {
    failed: report => (error, context) => {
      metrics.increment('subscription_failures_total', { provider })
      report(error, context)
    },
    reconnected: () => metrics.increment('subscription_reconnects_total', { provider }),
  }
}
