/**
 * A fault-injecting layer over a provider, for tests of what the engine does when its store
 * misbehaves. A fault is armed for one call name (`appendEvents`, `get` …) and hits its next
 * `count` calls, in one of these ways:
 * - `throw`: throws synchronously, before any promise;
 * - `reject`: rejects at once, nothing stored;
 * - `late`: rejects after `delayMs`, nothing stored;
 * - `deadline`: hangs `delayMs`, then rejects as a call deadline does, while the call itself goes
 *   on and lands just after (a remote store's reply that came too late);
 * - `lost`: the call is carried out, then rejects (the reply was lost).
 * Every rejection is the `ProviderUnavailableError` a shared store's deadline gives.
 */
import { ProviderUnavailableError } from '../../server/lib/errors'
import type { JobProvider } from '../../server/lib/providers/types'

/** How an armed call fails. */
export type FaultMode = 'throw' | 'reject' | 'late' | 'deadline' | 'lost'
export const FAULT_MODES: readonly FaultMode[] = ['throw', 'reject', 'late', 'deadline', 'lost']

/** The provider calls the engine makes that can be faulted. */
export const FAULTABLE_CALLS = ['create', 'get', 'list', 'listThreads', 'renameThread', 'appendEvents', 'readEvents', 'getState', 'countActive', 'deleteExpired', 'deleteJob', 'takeRate'] as const
export type FaultableCall = typeof FAULTABLE_CALLS[number]

/** The switchboard a test arms. */
export interface Faults {
  arm(call: FaultableCall, mode: FaultMode, count?: number, delayMs?: number): void
  clear(): void
  /** Every fault that hit, as `call:mode`. */
  readonly hits: string[]
}

/** The error an injected fault gives. */
export function injectedError(call: string): ProviderUnavailableError {
  return new ProviderUnavailableError('memory', `The job store (test) did not answer ${call}; retry shortly`, 5)
}

/** Wraps `provider` with faults armed through the returned switchboard. */
export function withFaults(provider: JobProvider): { wrapped: JobProvider, faults: Faults } {
  const armed = new Map<string, { mode: FaultMode, count: number, delayMs: number }>()
  const hits: string[] = []
  const faults: Faults = {
    arm(call, mode, count = 1, delayMs = 5_000) {
      armed.set(call, { mode, count, delayMs })
    },
    clear() {
      armed.clear()
    },
    hits,
  }
  const wrapped = new Proxy(provider, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver)
      if (typeof value !== 'function' || typeof key !== 'string') return value
      return (...args: unknown[]) => {
        const fault = armed.get(key)
        if (!fault) return value.apply(target, args)
        if (--fault.count <= 0) armed.delete(key)
        hits.push(`${key}:${fault.mode}`)
        const error = injectedError(key)
        switch (fault.mode) {
          case 'throw':
            throw error
          case 'reject':
            return Promise.reject(error)
          case 'late':
            return new Promise((_, reject) => setTimeout(() => reject(error), fault.delayMs))
          case 'deadline':
            return new Promise((_, reject) => setTimeout(() => {
              reject(error)
              // The call was still on its way: it lands just after its caller gave up on it.
              setTimeout(() => void Promise.resolve().then(() => value.apply(target, args)).catch(() => undefined), 1)
            }, fault.delayMs))
          case 'lost':
            return Promise.resolve().then(() => value.apply(target, args)).then(() => {
              throw error
            })
        }
      }
    },
  })
  return { wrapped, faults }
}
