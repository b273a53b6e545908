/**
 * The `convex` provider's facade over a `convex-test` backend, so the tests drive the real
 * `convex/` functions in-process, with the server's secret like the real client facade.
 */
import type { FunctionReference, FunctionReturnType } from 'convex/server'
import { type ConvexFacade, redactSecret, withSecret } from './convex-facade'

/** The part of a `convex-test` instance the stand-in uses (`convexTest(schema, modules)`). */
export interface ConvexTestBackend {
  query(query: FunctionReference<'query'>, args: Record<string, unknown>): Promise<unknown>
  mutation(mutation: FunctionReference<'mutation'>, args: Record<string, unknown>): Promise<unknown>
}

/** The test stand-in, with a way to wait for queued work. */
export interface ConvexTestFacade extends ConvexFacade {
  /** Resolves once every call and subscription run queued so far has finished. */
  settled(): Promise<void>
  /** Runs every subscription's query again, as Convex does after a commit made outside the facades (the retention cron's). */
  refresh(): Promise<void>
}

interface TestSubscription {
  run(): Promise<void>
}

/** Shared per backend, so facades (one per simulated instance) see each other's writes. */
interface TestHub {
  tail: Promise<void>
  subscriptions: Set<TestSubscription>
}

const hubs = new WeakMap<ConvexTestBackend, TestHub>()

function hubOf(backend: ConvexTestBackend): TestHub {
  let hub = hubs.get(backend)
  if (!hub) hubs.set(backend, hub = { tail: Promise.resolve(), subscriptions: new Set() })
  return hub
}

/** Runs tasks one at a time in call order, like one Convex deployment's serial commit order. */
function enqueue<T>(hub: TestHub, task: () => Promise<T>): Promise<T> {
  const result = hub.tail.then(task)
  hub.tail = result.then(() => undefined, () => undefined)
  return result
}

/**
 * The test stand-in for Convex's reactive queries: every subscription's query is run again after
 * each mutation made through any facade over the same backend, and the mutation resolves only after
 * those runs delivered their results. So once `await provider.appendEvents(...)` returns, every
 * subscriber (on any simulated instance) has been called — deterministic, no polling, no timers.
 * Unlike Convex it calls `onUpdate` even when a result did not change.
 */
export function createConvexTestFacade(backend: ConvexTestBackend, secret: string): ConvexTestFacade {
  const hub = hubOf(backend)
  const rerunAll = async () => {
    for (const subscription of [...hub.subscriptions]) await subscription.run()
  }
  const send = (args: object) => withSecret(args, secret) as Record<string, unknown>
  const redacted = (error: unknown) => { throw redactSecret(error, secret) }
  return {
    query(query, args) {
      return enqueue(hub, () => backend.query(query, send(args)) as Promise<FunctionReturnType<typeof query>>).catch(redacted)
    },
    mutation(mutation, args) {
      return enqueue(hub, async () => {
        const result = await backend.mutation(mutation, send(args))
        await rerunAll()
        return result as FunctionReturnType<typeof mutation>
      }).catch(redacted)
    },
    subscribe(query, args, onUpdate, onError) {
      let active = true
      const subscription: TestSubscription = {
        async run() {
          if (!active) return
          try {
            const result = await backend.query(query, send(args))
            if (active) onUpdate(result as FunctionReturnType<typeof query>)
          }
          catch (error) {
            onError?.(redactSecret(error, secret) as Error)
          }
        },
      }
      hub.subscriptions.add(subscription)
      void enqueue(hub, () => subscription.run())
      return () => {
        active = false
        hub.subscriptions.delete(subscription)
      }
    },
    refresh() {
      return enqueue(hub, rerunAll)
    },
    async settled() {
      // Work can queue more work (a delivery that subscribes again): wait until the queue is still.
      let tail: Promise<void>
      do {
        tail = hub.tail
        await tail
      } while (tail !== hub.tail)
    },
  }
}
