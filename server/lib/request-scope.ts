/**
 * The HTTP request a line of the log is written for (`X-Request-Id`, docs/observability.md ›
 * Request ids). A jobs route runs in the scope of its request; the console logger adds the id to
 * every line written while the request is handled — the route's own and the engine's on its
 * behalf — and the engine adds to the lines about a job run here the id of the request that created
 * it (`withRequestIds`). A scope closes when its route returns (a stream: when it ends), so work the
 * request started and that goes on after it (a job's run, a timer) does not carry its id any more.
 * What the engine shares between requests — a job's run, the store's connections and subscriptions,
 * the tool workers, the engine's timers — is created outside any request (`outsideRequests`,
 * `detachedFromRequests`): it keeps the async context it was created in, so made inside a request
 * that stays open (a stream, minutes long) its lines about other jobs and users would name that request.
 * The id is a client's word (or a proxy's): only for finding lines, never for a decision.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Logger } from './logger'

/** One request's scope: its id, while the request is handled. */
interface RequestScope {
  readonly id: string
  open: boolean
}

const scopes = new AsyncLocalStorage<RequestScope>()

/** Runs `work` in the scope of the request `id`; the scope closes once `work` (or the promise it returns) settles. */
export function runInRequestScope<T>(id: string, work: () => Promise<T>): Promise<T> {
  const scope: RequestScope = { id, open: true }
  return scopes.run(scope, work).finally(() => {
    scope.open = false
  })
}

/** The id of the request being handled here, if any (none once its route returned). */
export function currentRequestId(): string | undefined {
  const scope = scopes.getStore()
  return scope?.open ? scope.id : undefined
}

/**
 * Runs `work` outside any request's scope: what it creates (a timer, a worker, a connection, a
 * subscription, a promise chain) and every callback of it runs, and logs, in no request's scope.
 */
export function outsideRequests<T>(work: () => T): T {
  return scopes.exit(work)
}

function callOutsideRequests(call: (...args: unknown[]) => unknown, object: object, args: unknown[]): unknown {
  return scopes.exit(() => call.apply(object, args))
}

/**
 * `target` with each of its methods called outside any request's scope (`outsideRequests`): for the
 * things the engine shares between requests (the job store, the tool workers, the engine's timers),
 * which create their connections, subscriptions, workers and timers lazily, on a request's first call.
 */
export function detachedFromRequests<T extends object>(target: T): T {
  const detached = new Map<PropertyKey, (...args: unknown[]) => unknown>()
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property)
      if (typeof value !== 'function') return value
      let method = detached.get(property)
      if (!method) {
        const call = value as (...args: unknown[]) => unknown
        // Called outside any request (a job's run, the batch clock: every append of a streaming job)
        // it is the method itself, with no closure and no new async context frame per call.
        detached.set(property, method = function (this: unknown) {
          // eslint-disable-next-line prefer-rest-params
          if (scopes.getStore() === undefined) return call.apply(object, arguments as unknown as unknown[])
          // eslint-disable-next-line prefer-rest-params
          return callOutsideRequests(call, object, arguments as unknown as unknown[])
        })
      }
      return method
    },
  })
}

/**
 * What `jobRequestId` answers for a job: the id of the request that created it (stored with the
 * job: a run taken over has it too); `null` when it runs here without one (created outside a
 * request, or stored before the field): its lines name none,
 * whichever request is handled then; `undefined` when it does not run here.
 */
export type JobRequestId = (jobId: string) => string | null | undefined

/**
 * A line's fields with `requestId`: the one given (a `requestId: undefined` given says none), else
 * `jobRequestId` of its `jobId`, else the request being handled.
 */
export function withRequestIdField(fields: Record<string, unknown> | undefined, jobRequestId?: JobRequestId): Record<string, unknown> | undefined {
  if (fields && 'requestId' in fields) return fields
  const ofJob = typeof fields?.jobId === 'string' ? jobRequestId?.(fields.jobId) : undefined
  // A job run here without a request: not the request that happens to be handled now.
  if (ofJob === null) return { ...fields, requestId: undefined }
  const requestId = ofJob ?? currentRequestId()
  return requestId === undefined ? fields : { ...fields, requestId }
}

/**
 * The engine's logger: a line about a job that runs here (its `jobId`) carries the id of the request
 * that created the job, as its `job created` and `job ended` lines do — also when another request
 * (an abort) is being handled, on a run taken over too — or none (a job created outside a request); any other line, the id of the request
 * being handled.
 */
export function withRequestIds(logger: Logger, jobRequestId: JobRequestId): Logger {
  return {
    info: (message, fields) => logger.info(message, withRequestIdField(fields, jobRequestId)),
    warn: (message, fields) => logger.warn(message, withRequestIdField(fields, jobRequestId)),
    error: (message, fields) => logger.error(message, withRequestIdField(fields, jobRequestId)),
  }
}
