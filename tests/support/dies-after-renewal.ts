/**
 * An owner that dies right after its first lease renewal: from then on no call of it reaches the
 * store (each hangs), so its lease lapses `lease.durationMs` after that renewal. `died.at` is when.
 */
import type { JobProvider } from '../../server/lib/providers/types'

/** Wraps a provider so that every call after the first renewal never answers. */
export function diesAfterRenewal(died: { at: number | null }) {
  return (provider: JobProvider): JobProvider => new Proxy(provider, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        if (died.at !== null) return new Promise(() => {})
        const result = (value as (...args: unknown[]) => unknown).apply(target, args)
        if (key !== 'heartbeatLease') return result
        return (result as Promise<boolean>).then((renewed) => {
          if (renewed) died.at = Date.now()
          return renewed
        })
      }
    },
  })
}
