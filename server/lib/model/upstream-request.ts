/**
 * What both ways of reading a model round share: the request the client sends (URL, headers,
 * body), an attempt's abort wiring and timers, opening the response (a non-2xx answer becomes its
 * HTTP error) and the retry delay.
 */
import { abortReason } from './abortable'
import type { AttemptTimers } from './attempt-timers'
import { createAttemptTimers } from './attempt-timers'
import type { ClientOptions } from './client'
import type { EchoedSecrets } from './echoed-secrets'
import { UpstreamHttpError, UpstreamRateLimitedError } from './errors'
import { nodeTransport } from './node-transport'
import { fetchTransport } from './transport'
import type { TransportRequest, UpstreamResponse } from './transport'
import type { ModelError } from './errors'
import type { ModelRequest } from './types'
import { httpErrorFrom } from './upstream-response'

/** Longest wait before a retry by default (`upstream.maxRetryDelayMs`). */
export const MAX_RETRY_DELAY_MS = 20_000

/** One attempt's controller and timers. */
export interface Attempt {
  /** Aborted by the caller's abort and by the attempt's timeouts: it cancels the real request. */
  controller: AbortController
  timers: AttemptTimers
  /** Clears the timers and stops following the caller's abort (every path ends here). */
  release(): void
}

/** Starts an attempt: one controller per attempt, so the caller's abort and our timeouts both cancel the real request. */
export function startAttempt(options: ClientOptions, signal: AbortSignal): Attempt {
  const controller = new AbortController()
  const forwardAbort = () => controller.abort(abortReason(signal))
  signal.addEventListener('abort', forwardAbort, { once: true })
  const timers = createAttemptTimers(options, error => controller.abort(error), options.timers)
  return {
    controller,
    timers,
    release() {
      timers.clearAll()
      signal.removeEventListener('abort', forwardAbort)
    },
  }
}

/**
 * Sends the request; a non-2xx answer throws its HTTP error (scrubbed of `secrets`: echoed-secrets.ts). Its status is the answer: the
 * first-token limit stops, and its body is read within its own limit (`ERROR_BODY_READ_MS`).
 */
export async function openResponse(options: ClientOptions, request: ModelRequest, secrets: EchoedSecrets, attempt: Attempt): Promise<UpstreamResponse> {
  const { signal } = attempt.controller
  const transportRequest: TransportRequest = {
    method: 'POST',
    headers: requestHeaders(options.apiKey ?? '', request),
    body: JSON.stringify(requestBody(request)),
    signal,
  }
  const url = chatCompletionsUrl(options.baseUrl)
  const response = options.fetch ? await fetchTransport(options.fetch, url, transportRequest) : await nodeTransport(url, transportRequest)
  if (!response.ok) {
    attempt.timers.clearFirstToken()
    throw await httpErrorFrom(response, secrets, signal, options.timers)
  }
  return response
}

/**
 * How long to wait before retry number `attempt + 1`: `Retry-After` when the upstream said, else
 * doubling up to the cap. Throws `UpstreamRateLimitedError` when `Retry-After` asks for more than
 * the cap (a retry at the cap would only be refused again) or than `timeLeftMs()` /
 * `nodeTimeLeftMs()` (the job's or the workflow node's time limit would end it during the wait):
 * the round then fails at once. A doubling wait that either limit would cut short throws `error`
 * itself (not retried).
 */
export function retryDelayMs(options: ClientOptions, error: ModelError, attempt: number): number {
  const capMs = options.maxRetryDelayMs ?? MAX_RETRY_DELAY_MS
  // The job's time limit, or a workflow node's when it is sooner, would end it during the wait.
  const left = timeLeft(options)
  if (error instanceof UpstreamHttpError && error.retryAfterMs !== undefined) {
    const limited = error as UpstreamHttpError & { retryAfterMs: number }
    if (error.retryAfterMs > capMs) throw new UpstreamRateLimitedError(limited, capMs)
    // Waiting would end as a `timeout` (or `node-timeout`) that hides the rate limit.
    if (left && error.retryAfterMs >= left.ms) throw new UpstreamRateLimitedError(limited, left.ms, left.limit)
    return error.retryAfterMs
  }
  const delayMs = Math.min(options.retryBaseDelayMs * 2 ** attempt, capMs)
  // The failure itself ends the round instead (a 503, not a `timeout` that hides it).
  if (left && delayMs >= left.ms) throw error
  return delayMs
}

/** The sooner of the job's and the node's time left, and which limit it is; undefined without either. */
function timeLeft(options: ClientOptions): { ms: number, limit: 'job-time' | 'node-time' } | undefined {
  const jobMs = options.timeLeftMs?.()
  const nodeMs = options.nodeTimeLeftMs?.()
  if (nodeMs !== undefined && (jobMs === undefined || nodeMs < jobMs)) return { ms: nodeMs, limit: 'node-time' }
  return jobMs === undefined ? undefined : { ms: jobMs, limit: 'job-time' }
}

/**
 * The endpoint under `baseUrl`. A query the base URL carries (Azure's `?api-version=…`, a
 * gateway's key) stays after the path; appended after it, the path became part of its value.
 */
function chatCompletionsUrl(baseUrl: string): string {
  const cut = baseUrl.search(/[?#]/)
  const path = cut === -1 ? baseUrl : baseUrl.slice(0, cut)
  // A fragment is never sent: only the query is kept.
  const query = cut === -1 || baseUrl[cut] === '#' ? '' : baseUrl.slice(cut).replace(/#.*$/s, '')
  return `${path.replace(/\/+$/, '')}/chat/completions${query}`
}

/** Spaces, tabs and line breaks around a header value: fetch drops them, node:http refuses the header. */
const HTTP_WHITESPACE_AROUND = /^[\t\n\r ]+|[\t\n\r ]+$/g

function requestHeaders(apiKey: string, request: ModelRequest): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'accept': 'text/event-stream',
    ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
  }
  // The upstream-request hook's headers, often from the environment (`APP_URL` with a line break).
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    headers[name] = typeof value === 'string' ? value.replace(HTTP_WHITESPACE_AROUND, '') : value
  }
  return headers
}

function requestBody(request: ModelRequest): Record<string, unknown> {
  return {
    model: request.model,
    messages: request.messages,
    ...(request.tools?.length ? { tools: request.tools } : {}),
    stream: true,
    stream_options: { include_usage: true },
    ...request.body,
  }
}
