/**
 * A fault-injecting facade over the convex-test one, standing for a real deployment's connection:
 * `disconnect()` makes Convex unreachable (calls wait, as the Convex client's do while it
 * reconnects; subscriptions get nothing), `reconnect()` brings it back the way the client does —
 * the mutations it had not heard back about are sent once each, in the order made, then the
 * waiting queries not given up on (their `signal`) run and every subscription gets its latest result. A call may also be made to
 * fail once with `failNext`. Every call is recorded.
 */
import type { FunctionReference } from 'convex/server'
import type { ConvexFacade } from '../../server/lib/providers/convex-facade'

/** One recorded call. */
export interface RecordedCall {
  kind: 'query' | 'mutation'
  name: string
  args: Record<string, unknown>
  /** Made while disconnected (so it waited for the reconnect). */
  waited: boolean
}

/** The facade with its faults. */
export interface FaultyFacade extends ConvexFacade {
  readonly calls: RecordedCall[]
  readonly connected: boolean
  disconnect(): void
  /** Sends what waited, in order; resolves once all of it has been answered. */
  reconnect(): Promise<void>
  /** The next call of `name` fails with `error` (without reaching Convex). */
  failNext(name: string, error: Error): void
}

interface Waiting {
  run: () => Promise<void>
}

/** Wraps `inner` (one simulated instance's connection). */
export function createFaultyFacade(inner: ConvexFacade): FaultyFacade {
  let connected = true
  const calls: RecordedCall[] = []
  let waiting: Waiting[] = []
  const failures = new Map<string, Error>()
  const subscriptions = new Set<{ flush: () => void }>()

  function perform<T>(kind: RecordedCall['kind'], reference: FunctionReference<'query' | 'mutation'>, args: object, send: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const name = reference as unknown as string
    calls.push({ kind, name, args: args as Record<string, unknown>, waited: !connected })
    const failure = failures.get(name)
    if (failure) {
      failures.delete(name)
      return Promise.reject(failure)
    }
    if (connected) return send()
    return new Promise<T>((resolve, reject) => {
      const entry = { run: () => send().then(resolve, reject) }
      waiting.push(entry)
      // A query its caller gave up on is dropped, as the Convex client facade drops it; a mutation is kept.
      signal?.addEventListener('abort', () => {
        waiting = waiting.filter(other => other !== entry)
        reject(signal.reason)
      }, { once: true })
    })
  }

  return {
    get calls() {
      return calls
    },
    get connected() {
      return connected
    },
    query(query, args, options) {
      return perform('query', query, args, () => inner.query(query, args), options?.signal)
    },
    mutation(mutation, args) {
      return perform('mutation', mutation, args, () => inner.mutation(mutation, args))
    },
    subscribe(query, args, onUpdate, onError) {
      // While disconnected, results are held back; the latest is delivered on reconnect.
      let held: { result: Parameters<typeof onUpdate>[0] } | null = null
      const subscription = {
        flush() {
          if (!held) return
          const { result } = held
          held = null
          onUpdate(result)
        },
      }
      subscriptions.add(subscription)
      const stop = inner.subscribe(query, args, (result) => {
        if (connected) onUpdate(result)
        else held = { result }
      }, onError)
      return () => {
        subscriptions.delete(subscription)
        stop()
      }
    },
    disconnect() {
      connected = false
    },
    async reconnect() {
      connected = true
      const resend = waiting
      waiting = []
      // One after another, as the client resends them: each is answered before the next goes.
      for (const entry of resend) await entry.run()
      for (const subscription of [...subscriptions]) subscription.flush()
    },
    failNext(name, error) {
      failures.set(name, error)
    },
  }
}
