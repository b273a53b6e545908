/**
 * Why a model round failed: one small class per failure, each with a stable `code` and a
 * `retryable` flag (the client retries only retryable errors, and only before the first event).
 * Messages never contain the API key or the Authorization header.
 */

import { cutText } from '../../../shared/cut-text'
import type { TokenUsage } from '../../../shared/events'
import { isHttpStatus } from '../upstream-status'

/** Most characters kept of what the upstream said (an error body, a mid-stream error's message). */
export const UPSTREAM_MESSAGE_CHARS = 300

/** Every model failure extends this. */
export class ModelError extends Error {
  /** A stable, machine-readable code such as `upstream-http`. */
  readonly code: string
  /** True when the same request may succeed if sent again (before any event was yielded). */
  readonly retryable: boolean
  /** The tokens the upstream counted for the failed round, when it said (a `usage` chunk after `finish_reason: "error"`). */
  usage?: TokenUsage

  constructor(code: string, message: string, options: { retryable?: boolean, cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'ModelError'
    this.code = code
    this.retryable = options.retryable ?? false
  }
}

/** What an error body or chunk named its failure: its `error.code` and `error.type` (error-body.ts). */
export interface UpstreamNames {
  upstreamCode?: string | number
  upstreamType?: string
}

/** The upstream answered with a non-2xx status. 429 and 5xx are retryable. */
export class UpstreamHttpError extends ModelError {
  readonly status: number
  /** What the `Retry-After` header asked for, in milliseconds, when it was present and valid. */
  readonly retryAfterMs: number | undefined
  /** The body's `error.code` (`context_length_exceeded`), when it had one. */
  upstreamCode: string | number | undefined
  /** The body's `error.type` (`invalid_request_error`), when it had one. */
  upstreamType: string | undefined

  constructor(status: number, bodyExcerpt: string, retryAfterMs?: number, names: UpstreamNames = {}) {
    const detail = bodyExcerpt ? `: ${bodyExcerpt}` : ''
    super('upstream-http', `The model endpoint answered HTTP ${status}${detail}`, {
      retryable: status === 429 || status >= 500,
    })
    this.name = 'UpstreamHttpError'
    this.status = status
    this.retryAfterMs = retryAfterMs
    this.upstreamCode = names.upstreamCode
    this.upstreamType = names.upstreamType
  }
}

/**
 * A 429 or 5xx whose `Retry-After` asks for a longer wait than `upstream.maxRetryDelayMs`, or than
 * the job has left before its time limit (`limits.jobTimeoutMs`) or a workflow's agent node before
 * its own (`limits.nodeTimeoutMs`): not retried (a retry sooner
 * would be refused again, and waiting longer holds the job for nothing or ends it as a timeout),
 * so the job fails at once, naming the wait. The HTTP error is its `cause`.
 */
export class UpstreamRateLimitedError extends ModelError {
  readonly status: number
  readonly retryAfterMs: number
  /** The refused answer's `error.code` and `error.type` (`UpstreamHttpError`). */
  upstreamCode: string | number | undefined
  upstreamType: string | undefined

  /**
   * `limitMs`: `upstream.maxRetryDelayMs`, or with `limit: 'job-time'` the time the job has left,
   * with `'node-time'` the time the workflow node has left.
   */
  constructor(error: UpstreamHttpError & { retryAfterMs: number }, limitMs: number, limit: 'retry-cap' | 'job-time' | 'node-time' = 'retry-cap') {
    const excerpt = error.message.replace(/^The model endpoint answered /, '')
    const allows = limit === 'job-time'
      ? `longer than the job has left before its time limit (${seconds(Math.max(0, limitMs))}, limits.jobTimeoutMs)`
      : limit === 'node-time'
        ? `longer than the node has left before its time limit (${seconds(Math.max(0, limitMs))}, limits.nodeTimeoutMs)`
        : `longer than upstream.maxRetryDelayMs (${seconds(limitMs)}) allows`
    super('upstream-rate-limited', `The model endpoint asked to wait ${seconds(error.retryAfterMs)} before trying again (${excerpt}), ${allows}: not retried`, { cause: error })
    this.name = 'UpstreamRateLimitedError'
    this.status = error.status
    this.retryAfterMs = error.retryAfterMs
    this.upstreamCode = error.upstreamCode
    this.upstreamType = error.upstreamType
  }
}

/** A wait in seconds for a message (`60 s`, `1.5 s`). */
function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`
}

/**
 * The stream carried an `{"error": …}` chunk (the upstream gave up mid-answer). Retryable (as the
 * same failure as an HTTP status would be, and like it only before the first event) when its code
 * or type says the endpoint was overloaded, rate-limited or failed on its side: 429 or 5xx
 * (OpenRouter sends the provider's status as `code` after it already answered 200), or a name
 * such as `overloaded_error` or `rate_limit_exceeded`.
 */
export class UpstreamStreamError extends ModelError {
  /** The `error.code` of the chunk, when it had one. */
  upstreamCode: string | number | undefined
  /** The `error.type` of the chunk, when it had one. */
  upstreamType: string | undefined
  /**
   * The HTTP status the code is, when it is one (100-599, a number or its digits): OpenRouter's
   * chunk after text started carries the provider's status so (`{"error":{"code":429,…}}`). The
   * job's error has it as `httpStatus`, as an HTTP answer's (upstream-status.ts).
   */
  readonly status: number | undefined

  constructor(message: string, upstreamCode?: string | number, upstreamType?: string) {
    // Cut as an HTTP error body is: a proxy may send a whole page (or a stack) as the message,
    // and it is stored in the job and shown to its user.
    super('upstream-stream', `The model stream reported an error: ${cutText(message, UPSTREAM_MESSAGE_CHARS)}`, {
      retryable: isTransientCode(upstreamCode) || isTransientCode(upstreamType),
    })
    this.name = 'UpstreamStreamError'
    this.upstreamCode = upstreamCode
    this.upstreamType = upstreamType
    this.status = httpStatusOfCode(upstreamCode)
  }
}

/** An error chunk's code as an HTTP status (100-599, a number or its three digits), else undefined. */
function httpStatusOfCode(value: string | number | undefined): number | undefined {
  const status = typeof value === 'string' && /^\s*\d{3}\s*$/.test(value) ? Number(value) : value
  return isHttpStatus(status) ? status : undefined
}

/** Names of transient failures in error chunks (OpenAI, Anthropic through gateways, vLLM, LiteLLM). */
const TRANSIENT_NAME = /overloaded|rate_?limit|too_many_requests|server_error|service_unavailable|internal_error|unavailable/i

/** An error chunk's code or type that the same request may not meet again: 429, 5xx, or such a name (the statuses an HTTP error is retried for). */
function isTransientCode(value: string | number | undefined): boolean {
  if (value === undefined) return false
  const text = String(value).trim()
  if (/^\d{3}$/.test(text)) {
    const status = Number(text)
    return status === 429 || (status >= 500 && status <= 599)
  }
  return TRANSIENT_NAME.test(text)
}

/** The stream was not valid OpenAI-compatible SSE (bad JSON, a tool call with no name, no body). */
export class UpstreamProtocolError extends ModelError {
  constructor(message: string) {
    super('upstream-protocol', message)
    this.name = 'UpstreamProtocolError'
  }
}

/** No first event in time, or silence between chunks after it. */
export class UpstreamTimeoutError extends ModelError {
  readonly kind: 'first-token' | 'stall'
  readonly timeoutMs: number

  constructor(kind: 'first-token' | 'stall', timeoutMs: number) {
    const what = kind === 'first-token'
      ? `no first token within ${timeoutMs} ms`
      : `the stream was silent for more than ${timeoutMs} ms`
    super('upstream-timeout', `The model timed out: ${what}`)
    this.name = 'UpstreamTimeoutError'
    this.kind = kind
    this.timeoutMs = timeoutMs
  }
}

/**
 * The connection failed or broke (DNS, refused, reset, closed mid-stream). Retryable (before the
 * first event). `whileReading`: it broke after the endpoint answered, while its body was read —
 * the message says so instead of "Could not reach", which sent operators looking at DNS and
 * firewalls for an endpoint that had answered and dropped the connection mid-answer.
 */
export class UpstreamNetworkError extends ModelError {
  constructor(message: string, cause?: unknown, whileReading = false) {
    const what = whileReading ? 'The connection to the model endpoint broke before the answer ended' : 'Could not reach the model endpoint'
    super('upstream-network', `${what}: ${message}`, { retryable: true, cause })
    this.name = 'UpstreamNetworkError'
  }
}
