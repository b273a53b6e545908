/**
 * The HTTP request a line of the log is written for (`X-Request-Id`, docs/observability.md ›
 * Request ids). A jobs route runs in the scope of its request; the console logger adds the id to
 * every line written while the request is handled — the route's own and the engine's on its
 * behalf — and the engine adds to the lines about a job run here the id of the request that created
 * it (`withRequestIds`). A scope closes when its route returns (a stream: when it ends), so work the
 * request started and that goes on after it (a job's run, a timer) does not carry its id any more.
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
 * What `jobRequestId` answers for a job: the id of the request that created its run here; `null`
 * when it runs here without one (taken over, or created outside a request): its lines name none,
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
 * (an abort) is being handled — or none (a run taken over); any other line, the id of the request
 * being handled.
 */
export function withRequestIds(logger: Logger, jobRequestId: JobRequestId): Logger {
  return {
    info: (message, fields) => logger.info(message, withRequestIdField(fields, jobRequestId)),
    warn: (message, fields) => logger.warn(message, withRequestIdField(fields, jobRequestId)),
    error: (message, fields) => logger.error(message, withRequestIdField(fields, jobRequestId)),
  }
}
