/**
 * The HTTP status a model failure answered with. The job's error carries it as `httpStatus` (on
 * `upstream-http` and `upstream-rate-limited` failures, and on an `upstream-stream` one whose error
 * chunk's code is a status: OpenRouter's, after text started), so an app tells a 401 (the API key)
 * from a 429 (the provider's quota) from a 5xx (its outage) without reading the message; the `job
 * ended` line and the spans give it to an operator. A job stored before the field existed has it
 * only in its message, in the words model/errors.ts writes (`… answered HTTP 401…`, `… before
 * trying again (HTTP 429…`), also inside a workflow node's `Node "x" failed: …`. The first such
 * words are the layer's own: the upstream's body comes after them. An error chunk's message is the
 * upstream's own words only: none is read for a status.
 */
import type { JobError } from '../../shared/events'
import { fieldOf } from './thrown-field'

/**
 * The failures of the model endpoint itself (model/errors.ts): their thrown error has its HTTP
 * status as `status` and its name for the failure as `upstreamCode` / `upstreamType` when it gave them.
 */
export const UPSTREAM_FAILURES: ReadonlySet<string> = new Set(['upstream-http', 'upstream-rate-limited', 'upstream-stream'])

/** The layer's words for the status in the message, for a job stored before `httpStatus`. */
const STATUS_WORDS: Record<string, RegExp> = {
  'upstream-http': /The model endpoint answered HTTP (\d{3})\b/,
  'upstream-rate-limited': /before trying again \(HTTP (\d{3})\b/,
}

/** An HTTP status a response can have. */
export function isHttpStatus(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599
}

/**
 * The job error's `httpStatus` for what a model round threw: `{ httpStatus }` when it is an
 * `upstream-http`, `upstream-rate-limited` or `upstream-stream` error with its `status`
 * (`UpstreamHttpError`, `UpstreamRateLimitedError`, `UpstreamStreamError` whose chunk's code is a
 * status; also rethrown by a workflow node's own code), else nothing.
 */
export function httpStatusField(thrown: unknown): { httpStatus?: number } {
  const code = fieldOf(thrown, 'code')
  if (typeof code !== 'string' || !UPSTREAM_FAILURES.has(code)) return {}
  const status = fieldOf(thrown, 'status')
  return isHttpStatus(status) ? { httpStatus: status } : {}
}

/**
 * The upstream's HTTP status of a failure with code `upstream-http`, `upstream-rate-limited` or
 * `upstream-stream`: its `httpStatus` (a job's error, or a `JobFailure`'s details), or for an
 * `upstream-http` or `upstream-rate-limited` error stored before that field existed the status its
 * message names; otherwise undefined.
 */
export function upstreamStatusOf(error: (Pick<JobError, 'code' | 'message' | 'httpStatus'> & { details?: { httpStatus?: number } }) | undefined): number | undefined {
  if (!error || !UPSTREAM_FAILURES.has(error.code)) return undefined
  const field = error.httpStatus ?? error.details?.httpStatus
  if (isHttpStatus(field)) return field
  if (!Object.hasOwn(STATUS_WORDS, error.code)) return undefined
  const status = typeof error.message === 'string' ? STATUS_WORDS[error.code]!.exec(error.message)?.[1] : undefined
  return status === undefined ? undefined : Number(status)
}
