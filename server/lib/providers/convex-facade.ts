/**
 * The small surface the `convex` provider needs from Convex: run a query, run a mutation, and
 * subscribe to a query's result — as the server, holding the deployment's secret. Two
 * implementations: the real `convex` client (WebSocket, reactive queries, below), and a stand-in
 * over a `convex-test` backend so the tests drive the real `convex/` functions in-process
 * (convex-test-facade.ts). Both add the secret to every call's arguments (convex/access.ts) and
 * keep it out of the errors they pass on.
 */
import type { FunctionArgs, FunctionReference, FunctionReturnType } from 'convex/server'
import { ShuttingDownError } from '../errors'
import type { Logger } from '../logger'
import { createConsoleLogger } from '../logger'
import { wellFormed } from './convex-well-formed'
import { packageMissingMessage } from './package-missing'

/** A function's arguments without the `secret`, which the facade adds. */
export type ServerArgs<Function extends FunctionReference<'query' | 'mutation'>> = Omit<FunctionArgs<Function>, 'secret'>

/** What the provider calls on Convex. */
export interface ConvexFacade {
  /**
   * Runs a query once. `signal` gives up on it: the query is dropped from the client (its promise
   * rejects), so one the caller stopped waiting for is not kept, nor run at the reconnect.
   */
  query<Query extends FunctionReference<'query'>>(query: Query, args: ServerArgs<Query>, options?: { signal?: AbortSignal }): Promise<FunctionReturnType<Query>>
  mutation<Mutation extends FunctionReference<'mutation'>>(mutation: Mutation, args: ServerArgs<Mutation>): Promise<FunctionReturnType<Mutation>>
  /**
   * Calls `onUpdate` with the query's result now and whenever it may have changed. Results can
   * repeat; callers must be idempotent. Returns a function that stops the subscription.
   */
  subscribe<Query extends FunctionReference<'query'>>(
    query: Query,
    args: ServerArgs<Query>,
    onUpdate: (result: FunctionReturnType<Query>) => void,
    onError?: (error: Error) => void,
  ): () => void
  /**
   * Calls `listener` each time the client's connection came back after it had connected (its
   * subscriptions are renewed then). Returns a function that stops listening. Facades without a
   * connection of their own (tests) leave it out.
   */
  onReconnect?(listener: () => void): () => void
  /** Resolves once the client is loaded; rejects with `ConvexPackageMissingError` without it. */
  ready?(): Promise<void>
  /** Closes connections. */
  close?(): Promise<void>
}

/** Thrown when the `convex` provider is selected but the `convex` package is not installed. */
export class ConvexPackageMissingError extends Error {
  constructor(cause: unknown) {
    super(packageMissingMessage('convex', 'convex', '', cause), { cause })
    this.name = 'ConvexPackageMissingError'
  }
}

/** The arguments as sent: the server's own (every string a valid Unicode sequence) plus the secret. */
export function withSecret<Args extends object>(args: Args, secret: string): Args & { secret: string } {
  return { ...wellFormed(args), secret }
}

/**
 * The error with every occurrence of the secret replaced (Convex quotes a call's arguments in
 * some errors, such as a failed argument validation), so logs never hold it.
 */
export function redactSecret(error: unknown, secret: string): unknown {
  if (!secret || !(error instanceof Error)) return error
  if (error.message.includes(secret)) error.message = scrubSecret(error.message, secret)
  if (error.stack?.includes(secret)) error.stack = scrubSecret(error.stack, secret)
  return error
}

/** The text with every occurrence of the secret replaced. */
function scrubSecret(text: string, secret: string): string {
  return secret ? text.split(secret).join('[redacted]') : text
}

/**
 * One of the client's log calls as a line: its text parts as the message (a `%c` dropped with the
 * browser style that follows it), anything else (an Error) as `details`.
 */
function clientLine(parts: unknown[]): { message: string, fields?: { details: unknown[] } } {
  const texts: string[] = []
  const details: unknown[] = []
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index]
    if (typeof part !== 'string') {
      details.push(part)
      continue
    }
    const styles = part.split('%c').length - 1
    texts.push(part.replaceAll('%c', ''))
    index += styles
  }
  return { message: `convex client: ${texts.join(' ')}`, ...(details.length > 0 ? { fields: { details } } : {}) }
}

/**
 * The Convex client's own log lines (a dropped WebSocket, each reconnect attempt, a failed call's
 * server message, the functions' console lines), with the secret scrubbed from every part, as
 * the server's log lines: one redacted JSON line each, like the layer's own (docs/logs.md).
 */
export function redactingLogger(secret: string, logger: Logger = createConsoleLogger()) {
  const scrub = (parts: unknown[]) => parts.map(part => (typeof part === 'string' ? scrubSecret(part, secret) : redactSecret(part, secret)))
  const write = (level: 'info' | 'warn' | 'error') => (...parts: unknown[]) => {
    const { message, fields } = clientLine(scrub(parts))
    logger[level](message, fields)
  }
  return {
    logVerbose: () => {},
    log: write('info'),
    warn: write('warn'),
    error: write('error'),
  }
}

type ConvexClientInstance = InstanceType<typeof import('convex/browser').ConvexClient>
type AnyReference = FunctionReference<'query' | 'mutation'>

/**
 * Calls `onReconnect` once per WebSocket the client opens after its first (`connectionCount`
 * counts them all; several between two state reports count as several). It follows the client
 * for its life: closing the client ends it.
 */
function followReconnects(instance: ConvexClientInstance, onReconnect: () => void): void {
  const reconnects = (count: number) => Math.max(0, count - 1)
  let seen = reconnects(instance.connectionState().connectionCount)
  instance.subscribeToConnectionState((state) => {
    for (const count = reconnects(state.connectionCount); seen < count; seen++) onReconnect()
  })
}

/**
 * A facade over `ConvexClient` from `convex/browser` (one WebSocket; `onUpdate` subscriptions are
 * pushed by the server when a query's result changes). The package is imported on first use, so
 * apps on the memory provider need not install it. After a lost connection the client resends
 * the mutations it had not heard back about, once each, and renews the subscriptions.
 */
export function createConvexClientFacade(url: string, secret: string, logger?: Logger): ConvexFacade {
  let client: Promise<ConvexClientInstance> | undefined
  // A closed client leaves every later call unanswered (it never settles): a call once closed (a
  // request still in flight at shutdown) is refused at once instead of waiting out its time limit.
  let closed = false
  // Calls waiting for their answer: once closed, the client never settles them either.
  const inFlight = new Set<(error: unknown) => void>()
  const untilClosed = <T>(call: Promise<T>): Promise<T> => new Promise<T>((resolve, reject) => {
    if (closed) return reject(new ShuttingDownError())
    inFlight.add(reject)
    void call.then(resolve, reject).finally(() => inFlight.delete(reject))
  })
  const reconnectListeners = new Set<() => void>()
  const load = () => closed ? Promise.reject(new ShuttingDownError()) : (client ??= import('convex/browser').then(
    // The client logs a failed call's server message itself, before any error reaches us; an
    // argument validation failure quotes the arguments, the secret among them: scrubbed here.
    (module) => {
      const instance = new module.ConvexClient(url, { logger: redactingLogger(secret, logger) })
      followReconnects(instance, () => reconnectListeners.forEach(listener => listener()))
      return instance
    },
    (error: unknown) => { throw new ConvexPackageMissingError(error) },
  ))
  const send = <Args extends object>(args: Args) => withSecret(args, secret) as FunctionArgs<AnyReference>
  const redacted = (error: unknown) => { throw redactSecret(error, secret) }
  return {
    async query(query, args, options = {}) {
      const instance = await load()
      const { signal } = options
      if (!signal) return await untilClosed(instance.query(query, send(args))).catch(redacted)
      signal.throwIfAborted()
      // `ConvexClient.query` keeps its subscription until a result comes: through an outage, every
      // query that timed out would wait there and run at the reconnect. Through `onUpdate` it can
      // be dropped when the caller gives up.
      return await untilClosed(new Promise<FunctionReturnType<typeof query>>((resolve, reject) => {
        let unsubscribe: (() => void) | undefined
        let done = false
        const finish = () => {
          done = true
          signal.removeEventListener('abort', abandon)
          unsubscribe?.()
        }
        const abandon = () => {
          finish()
          reject(signal.reason)
        }
        signal.addEventListener('abort', abandon, { once: true })
        const stop = instance.onUpdate(query, send(args), (value) => {
          finish()
          resolve(value)
        }, (error) => {
          finish()
          reject(error)
        })
        // The current value may have been delivered already (synchronously).
        if (done) stop()
        else unsubscribe = stop
      })).catch(redacted)
    },
    async mutation(mutation, args) {
      return await untilClosed((await load()).mutation(mutation, send(args))).catch(redacted)
    },
    subscribe(query, args, onUpdate, onError) {
      let stopped = false
      let unsubscribe: (() => void) | undefined
      const failed = (error: Error) => onError?.(redactSecret(error, secret) as Error)
      load().then(
        (instance) => {
          if (!stopped) unsubscribe = instance.onUpdate(query, send(args), onUpdate, failed)
        },
        failed,
      )
      return () => {
        stopped = true
        unsubscribe?.()
      }
    },
    onReconnect(listener) {
      reconnectListeners.add(listener)
      return () => {
        reconnectListeners.delete(listener)
      }
    },
    async ready() {
      await load()
    },
    async close() {
      closed = true
      for (const reject of [...inFlight]) reject(new ShuttingDownError())
      inFlight.clear()
      if (client) await (await client).close()
    },
  }
}
