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

/** A line's fields with `requestId`: the one given, else `jobRequestId` of its `jobId`, else the request being handled. */
export function withRequestIdField(fields: Record<string, unknown> | undefined, jobRequestId?: (jobId: string) => string | undefined): Record<string, unknown> | undefined {
  if (fields?.requestId !== undefined) return fields
  const requestId = (typeof fields?.jobId === 'string' ? jobRequestId?.(fields.jobId) : undefined) ?? currentRequestId()
  return requestId === undefined ? fields : { ...fields, requestId }
}

/**
 * The engine's logger: a line about a job that runs here (its `jobId`) carries the id of the request
 * that created the job, as its `job created` and `job ended` lines do — also when another request
 * (an abort) is being handled; any other line, the id of the request being handled.
 */
export function withRequestIds(logger: Logger, jobRequestId: (jobId: string) => string | undefined): Logger {
  return {
    info: (message, fields) => logger.info(message, withRequestIdField(fields, jobRequestId)),
    warn: (message, fields) => logger.warn(message, withRequestIdField(fields, jobRequestId)),
    error: (message, fields) => logger.error(message, withRequestIdField(fields, jobRequestId)),
  }
}
