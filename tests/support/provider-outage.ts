/**
 * A provider layer for outage tests: while `outage.down`, every call fails at once with the
 * error a Redis command timing out gives (`ProviderUnavailableError`), and is recorded by name.
 */
import { ProviderUnavailableError } from '../../server/lib/errors'
import type { JobProvider } from '../../server/lib/providers/types'
import type { RunContext } from '../../server/lib/run-context'
import { createTestEngine, wait } from './engine-harness'

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

/** A chat runner that writes `part 0 `, `part 1 ` … 100 ms apart — `parts` of them, then completes (endless, until aborted, by default). */
export function partsChat(parts = Number.POSITIVE_INFINITY) {
  return async (context: RunContext) => {
    for (let part = 0; part < parts; part++) {
      context.text(`part ${part} `)
      await wait(100, context.signal)
    }
  }
}

/** A `wrap` for a test engine that puts `withOutage` over its provider, and that outage once wrapped. */
export function outageWrap() {
  let outage: ProviderOutage | undefined
  return {
    wrap: (inner: JobProvider) => {
      const made = withOutage(inner)
      outage = made.outage
      return made.wrapped
    },
    get outage(): ProviderOutage {
      if (!outage) throw new Error('outageWrap: no provider was wrapped yet')
      return outage
    },
  }
}

/** A test engine whose chat job writes `partsChat(parts)` over a store that fails while `outage.down`. */
export function engineWithOutage(parts = Number.POSITIVE_INFINITY) {
  const switched = outageWrap()
  const made = createTestEngine({ runners: { chat: partsChat(parts) }, wrap: switched.wrap })
  return { ...made, outage: switched.outage }
}
