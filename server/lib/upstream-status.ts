/**
 * The HTTP status a model failure answered with, for the `job ended` line and the spans: an
 * operator tells a 401 (the API key) from a 429 (the provider's quota) from a 5xx (its outage)
 * without reading the job. The job's error keeps only its code and message, and the message of an
 * `upstream-http` or `upstream-rate-limited` failure names the status in the words model/errors.ts
 * writes (`… answered HTTP 401…`, `… before trying again (HTTP 429…`), also inside a workflow
 * node's `Node "x" failed: …`. The first such words are the layer's own: the upstream's body comes after them.
 */
import type { JobError } from '../../shared/events'

const STATUS_WORDS: Record<string, RegExp> = {
  'upstream-http': /The model endpoint answered HTTP (\d{3})\b/,
  'upstream-rate-limited': /before trying again \(HTTP (\d{3})\b/,
}

/** The upstream's HTTP status of a failure with code `upstream-http` or `upstream-rate-limited`; otherwise undefined. */
export function upstreamStatusOf(error: Pick<JobError, 'code' | 'message'> | undefined): number | undefined {
  const words = error && Object.hasOwn(STATUS_WORDS, error.code) ? STATUS_WORDS[error.code] : undefined
  const status = words && typeof error!.message === 'string' ? words.exec(error!.message)?.[1] : undefined
  return status === undefined ? undefined : Number(status)
}
