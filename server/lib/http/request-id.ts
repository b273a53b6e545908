/**
 * `X-Request-Id` on the layer's routes (docs/observability.md › Request ids): an id the client or a
 * proxy in front sent is kept when it is safe to write anywhere — 1 to `MAX_REQUEST_ID_LENGTH`
 * characters of `A-Z a-z 0-9 . _ : -` (a UUID, nginx's `$request_id`, a trace id) — else one is
 * made; every answer carries it back, errors included, and the log lines written for the request
 * carry it (request-scope.ts). It is the sender's word: nothing is decided by it.
 */
import { randomUUID } from 'node:crypto'
import type { H3Event } from 'h3'
import { getRequestHeader, setResponseHeader } from 'h3'

/** The header read and answered. */
export const REQUEST_ID_HEADER = 'x-request-id'

/** The longest id kept from a request (longer: one is made). */
export const MAX_REQUEST_ID_LENGTH = 128

/** What a kept id looks like: nothing a header, a log line or a query could read otherwise. */
export const REQUEST_ID_PATTERN = /^[\w.:-]{1,128}$/

/** The id a request sent, when it is one to keep; else null (a new one is made). Two headers (joined with `, `) are not one id. */
export function acceptedRequestId(value: string | undefined): string | null {
  return value !== undefined && value.length <= MAX_REQUEST_ID_LENGTH && REQUEST_ID_PATTERN.test(value) ? value : null
}

/** Where the id of a request is kept while it is handled. */
const CONTEXT_KEY = 'backgroundJobsRequestId'

/** The id of this request (the first call decides it and sets the answer's `X-Request-Id`). */
export function requestIdOf(event: H3Event): string {
  const known = event.context[CONTEXT_KEY]
  if (typeof known === 'string') return known
  const id = acceptedRequestId(getRequestHeader(event, REQUEST_ID_HEADER)) ?? randomUUID()
  event.context[CONTEXT_KEY] = id
  setResponseHeader(event, REQUEST_ID_HEADER, id)
  return id
}
