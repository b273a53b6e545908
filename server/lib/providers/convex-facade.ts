/**
 * The small surface the `convex` provider needs from Convex: run a query, run a mutation, and
 * subscribe to a query's result. Two implementations: the real `convex` client (WebSocket, reactive
 * queries), and a stand-in over a `convex-test` backend so the tests drive the real `convex/`
 * functions in-process.
 */
import type { FunctionArgs, FunctionReference, FunctionReturnType } from 'convex/server'

/** What the provider calls on Convex. */
export interface ConvexFacade {
  query<Query extends FunctionReference<'query'>>(query: Query, args: FunctionArgs<Query>): Promise<FunctionReturnType<Query>>
  mutation<Mutation extends FunctionReference<'mutation'>>(mutation: Mutation, args: FunctionArgs<Mutation>): Promise<FunctionReturnType<Mutation>>
  /**
   * Calls `onUpdate` with the query's result now and whenever it may have changed. Results can
   * repeat; callers must be idempotent. Returns a function that stops the subscription.
   */
  subscribe<Query extends FunctionReference<'query'>>(
    query: Query,
    args: FunctionArgs<Query>,
    onUpdate: (result: FunctionReturnType<Query>) => void,
    onError?: (error: Error) => void,
  ): () => void
  /** Resolves once the client is loaded; rejects with `ConvexPackageMissingError` without it. */
  ready?(): Promise<void>
  /** Closes connections. */
  close?(): Promise<void>
}

/** Thrown when the `convex` provider is selected but the `convex` package is not installed. */
export class ConvexPackageMissingError extends Error {
  constructor(cause: unknown) {
    super('The convex provider needs the `convex` package: install it with `npm install convex`.', { cause })
    this.name = 'ConvexPackageMissingError'
  }
}

type ConvexClientInstance = InstanceType<typeof import('convex/browser').ConvexClient>

/**
 * A facade over `ConvexClient` from `convex/browser` (one WebSocket; `onUpdate` subscriptions are
 * pushed by the server when a query's result changes). The package is imported on first use, so
 * apps on the memory provider need not install it.
 */
export function createConvexClientFacade(url: string): ConvexFacade {
  let client: Promise<ConvexClientInstance> | undefined
  const load = () => client ??= import('convex/browser').then(
    module => new module.ConvexClient(url),
    (error: unknown) => { throw new ConvexPackageMissingError(error) },
  )
  return {
    async query(query, args) {
      return await (await load()).query(query, args)
    },
    async mutation(mutation, args) {
      return await (await load()).mutation(mutation, args)
    },
    subscribe(query, args, onUpdate, onError) {
      let stopped = false
      let unsubscribe: (() => void) | undefined
      load().then(
        (instance) => {
          if (!stopped) unsubscribe = instance.onUpdate(query, args, onUpdate, onError)
        },
        (error: Error) => onError?.(error),
      )
      return () => {
        stopped = true
        unsubscribe?.()
      }
    },
    async ready() {
      await load()
    },
    async close() {
      if (client) await (await client).close()
    },
  }
}

/** The part of a `convex-test` instance the stand-in uses (`convexTest(schema, modules)`). */
export interface ConvexTestBackend {
  query(query: FunctionReference<'query'>, args: Record<string, unknown>): Promise<unknown>
  mutation(mutation: FunctionReference<'mutation'>, args: Record<string, unknown>): Promise<unknown>
}

/** The test stand-in, with a way to wait for queued work. */
export interface ConvexTestFacade extends ConvexFacade {
  /** Resolves once every call and subscription run queued so far has finished. */
  settled(): Promise<void>
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
export function createConvexTestFacade(backend: ConvexTestBackend): ConvexTestFacade {
  const hub = hubOf(backend)
  const rerunAll = async () => {
    for (const subscription of [...hub.subscriptions]) await subscription.run()
  }
  return {
    query(query, args) {
      return enqueue(hub, () => backend.query(query, args) as Promise<FunctionReturnType<typeof query>>)
    },
    mutation(mutation, args) {
      return enqueue(hub, async () => {
        const result = await backend.mutation(mutation, args)
        await rerunAll()
        return result as FunctionReturnType<typeof mutation>
      })
    },
    subscribe(query, args, onUpdate, onError) {
      let active = true
      const subscription: TestSubscription = {
        async run() {
          if (!active) return
          try {
            const result = await backend.query(query, args)
            if (active) onUpdate(result as FunctionReturnType<typeof query>)
          }
          catch (error) {
            onError?.(error as Error)
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
