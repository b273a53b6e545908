/**
 * A provider layer for outage tests: while `outage.down`, every call fails at once with the
 * error a Redis command timing out gives (`ProviderUnavailableError`), and is recorded by name.
 */
import { ProviderUnavailableError } from '../../server/lib/errors'
import type { JobProvider } from '../../server/lib/providers/types'

/** What a test flips and reads: the store is down, and the calls made meanwhile. */
export interface ProviderOutage {
  down: boolean
  calls: string[]
}

/** Wraps `provider`: every call fails (and is recorded) while `outage.down`. */
export function withOutage(provider: JobProvider): { wrapped: JobProvider, outage: ProviderOutage } {
  const outage: ProviderOutage = { down: false, calls: [] }
  const wrapped = new Proxy(provider, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver)
      if (typeof value !== 'function' || key === 'dispose') return value
      return (...args: unknown[]) => {
        if (!outage.down) return value.apply(target, args)
        outage.calls.push(String(key))
        return Promise.reject(new ProviderUnavailableError('memory', 'The job store (test) is unavailable; retry shortly', 5))
      }
    },
  })
  return { wrapped, outage }
}
