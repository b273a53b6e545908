/**
 * A provider wrapper for reload tests: while `cut` is set, the store says it does not hold the job's
 * log from its start (`readEvents` answers no events, `complete: false`), so every catch-up is a
 * snapshot. `store` is the provider it wraps (set once the app has made it).
 */
import type { JobProvider } from '../../server/lib/providers/types'

export function createCutLogStore() {
  const log = {
    cut: false,
    store: undefined as unknown as JobProvider,
    wrap(provider: JobProvider): JobProvider {
      log.store = provider
      return new Proxy(provider, {
        get(target, key, receiver) {
          if (key === 'readEvents') return async (id: string, afterSeq: number) => (log.cut ? { events: [], complete: false } : await target.readEvents(id, afterSeq))
          const value = Reflect.get(target, key, receiver)
          return typeof value === 'function' ? value.bind(target) : value
        },
      })
    },
  }
  return log
}
