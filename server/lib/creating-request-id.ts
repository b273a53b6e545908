/**
 * The id of the HTTP request that created a job (`X-Request-Id`, decision 26), stored with the job
 * as `request.requestId` so that every run of it — a takeover on another instance, a run recovery
 * ends — names the same request on its log lines and job span, and its owner can read it in the
 * job's summary (docs/observability.md › Request ids).
 */
import { acceptedRequestId } from './http/request-id'
import type { JobRequest } from './providers/types'

/**
 * The request to store: with the id of the request being handled (`requestId`), else without one —
 * a job created outside a request names none, whatever its input said (the engine writes the field).
 */
export function withCreatingRequestId<T extends JobRequest>(request: T, requestId: string | undefined): T {
  const { requestId: _given, ...rest } = request
  return (requestId === undefined ? rest : { ...rest, requestId }) as T
}

/**
 * The stored id of the request that created the job, when it has the shape the engine writes;
 * undefined for a job created outside a request or stored before the field (or a value no route
 * could have written: it comes back from a shared store and goes into log lines).
 */
export function creatingRequestIdOf(request: unknown): string | undefined {
  const stored = (request as { requestId?: unknown } | null | undefined)?.requestId
  return typeof stored === 'string' ? acceptedRequestId(stored) ?? undefined : undefined
}
