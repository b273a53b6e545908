/**
 * An `Idempotency-Key` names one request: a retry of it (the same body) gets the job back, but the
 * same key with another request is refused (422) instead of answered with the first request's
 * job as if nothing differed. The creating route passes a fingerprint of the body it validated
 * (unknown keys dropped, key order ignored); it is stored in the job's request (as the trace
 * context is) and compared when the key comes again. A job stored without one (created through
 * the engine, or by an earlier version) answers any request with its key, as before.
 */
import { createHash } from 'node:crypto'
import { IdempotencyKeyReusedError } from './errors'
import type { CreateJobInput } from './engine-types'
import type { JobRecord, JobRequest } from './providers/types'
import { sortedKeysJson } from './sorted-keys-json'

/** The fingerprint of a validated request body (base64url SHA-256 of its JSON, keys sorted). */
export function requestFingerprint(body: unknown): string {
  return createHash('sha256').update(sortedKeysJson(body)).digest('base64url')
}

/** The request to store: with the creation's fingerprint when it has a key and one. */
export function withFingerprint(request: JobRequest, input: Pick<CreateJobInput, 'idempotencyKey' | 'requestFingerprint'>): JobRequest {
  return input.idempotencyKey && input.requestFingerprint ? { ...request, fingerprint: input.requestFingerprint } : request
}

/** Throws `IdempotencyKeyReusedError` when the job found for the key was created from another request. */
export function assertSameRequest(record: JobRecord, input: Pick<CreateJobInput, 'idempotencyKey' | 'requestFingerprint'>): void {
  const stored = (record.request as { fingerprint?: unknown }).fingerprint
  if (!input.idempotencyKey || !input.requestFingerprint || typeof stored !== 'string') return
  if (stored !== input.requestFingerprint) throw new IdempotencyKeyReusedError(input.idempotencyKey, record.id)
}
