/**
 * Times and counts the calls the engine makes to a shared store (Redis, Convex), so an operator
 * sees a slow or failing store from metrics alone: `provider_calls_total{operation}`,
 * `provider_errors_total{operation,error}` and the `provider_call_ms{operation}` histogram (which
 * call is slow: a lease heartbeat near its TTL, event writes falling behind). A refusal the
 * contract defines (an active-job limit, a full rate window, a missing job, a full memory store) is
 * an answer, not an error. Subscriptions are not calls and are left as they are.
 */
import type { Metrics } from '../metrics'
import { useMetrics } from '../metrics'
import type { JobProvider } from './types'

/** The request/answer calls of the contract that are timed (the label `operation`). */
export const TIMED_PROVIDER_CALLS: ReadonlySet<string> = new Set([
  'create', 'get', 'list', 'appendEvents', 'closeRefusedEnd', 'readEvents', 'getState', 'countActive', 'deleteExpired',
  'deleteJob', 'takeRate', 'sendControl', 'replyToControl', 'readControlReply', 'readControls', 'claimLease', 'getListed',
  'heartbeatLease', 'listExpiredLeases', 'heartbeatInstance', 'listThreads', 'renameThread',
  // The health route's (health.ts): a failed one is why it answers provider-unreachable.
  'ping',
])

/** Errors that are the store's answer, not its failure. */
const REFUSALS = new Set(['ActiveLimitError', 'RateRefusedError', 'JobNotFoundError', 'ProviderFullError'])

/** Calls the shared store answered in this process (a refusal is an answer), any provider. */
let answeredCalls = 0

/**
 * How many calls the shared store has answered so far: one answered since a failure says the store
 * is back (a route that succeeded without asking it says nothing about it).
 */
export function storeAnswers(): number {
  return answeredCalls
}

/** The `error` label: the error's class name (code-like, bounded by the registry like every label). */
function errorName(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name
  return typeof name === 'string' && name ? name : 'Error'
}

/** Returns the provider with its timed calls measured into `metrics`. */
export function instrumentProvider<P extends JobProvider>(provider: P, metrics: Metrics = useMetrics(), now: () => number = () => performance.now()): P {
  const wrapped = new Map<string, (...args: unknown[]) => unknown>()
  const observeCall = metrics.labeledHistogram('provider_call_ms')
  const measure = (operation: string, call: (...args: unknown[]) => unknown) => function (this: unknown, ...args: unknown[]) {
    const startedAt = now()
    metrics.increment('provider_calls_total', { operation })
    const failed = (error: unknown) => {
      observeCall(now() - startedAt, operation)
      if (REFUSALS.has(errorName(error))) answeredCalls++
      else metrics.increment('provider_errors_total', { operation, error: errorName(error) })
      throw error
    }
    let result: unknown
    try {
      result = call.apply(this === proxy ? provider : this, args)
    }
    catch (error) {
      failed(error)
    }
    if (typeof (result as PromiseLike<unknown> | null)?.then !== 'function') {
      observeCall(now() - startedAt, operation)
      answeredCalls++
      return result
    }
    return Promise.resolve(result).then((value) => {
      observeCall(now() - startedAt, operation)
      answeredCalls++
      return value
    }, failed)
  }
  const proxy: P = new Proxy(provider, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver)
      if (typeof property !== 'string' || typeof value !== 'function' || !TIMED_PROVIDER_CALLS.has(property)) return value
      let timed = wrapped.get(property)
      if (!timed) wrapped.set(property, timed = measure(property, value as (...args: unknown[]) => unknown))
      return timed
    },
  })
  return proxy
}
