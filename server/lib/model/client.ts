/**
 * The model client: one streamed chat-completions round against an OpenAI-compatible endpoint,
 * with retries before the first event, first-token and stall timeouts, and a prompt abort.
 */
import type { TimerSet } from '../timers'
import { createTimerSet } from '../timers'
import { abortReason } from './abortable'
import { consumeWithRetries } from './consume'
import { requestSecrets } from './echoed-secrets'
import { ModelError, UpstreamProtocolError } from './errors'
import { createChatCompletionParser } from './parse-stream'
import { createRetriedUsage } from './retried-usage'
import { planRetry, waitToRetry } from './retry-plan'
import type { ByteReader, FetchLike } from './transport'
import type { ModelClient, ModelEvent, ModelRequest } from './types'
import { openResponse, startAttempt } from './upstream-request'
import { toModelError } from './upstream-response'

export type { FetchLike } from './transport'
export { MAX_RETRY_DELAY_MS } from './upstream-request'

export interface ModelClientOptions {
  /** OpenAI-compatible base URL (`…/v1`); `/chat/completions` is appended to its path (a query, Azure's `?api-version=…`, stays after it). */
  baseUrl: string
  /** Sent as `Authorization: Bearer …` when set; never appears in an error message. */
  apiKey?: string
  /**
   * Other secrets an error the endpoint sends back must not carry (the configuration's:
   * echoed-secrets.ts' `configuredSecrets`), scrubbed as the API key is. @default []
   */
  secrets?: readonly string[]
  /**
   * Sends requests through this `fetch` (the scripted model, test doubles). Without it the client
   * talks to the upstream over node:http / node:https (less CPU per streamed chunk).
   */
  fetch?: FetchLike
  /** Fail when no event (or tool call fragment) came this long after the request started. */
  firstTokenTimeoutMs: number
  /** Fail when, once the model answers (an event, or a tool call's first fragment), no bytes came for this long. */
  stallTimeoutMs: number
  /** Retries on 429/5xx/network errors, only before the first event. */
  maxRetries: number
  /** First retry delay; doubles each retry. A `Retry-After` header wins (up to `maxRetryDelayMs`). */
  retryBaseDelayMs: number
  /**
   * Longest wait before a retry: the doubling stops there, and a `Retry-After` asking for more is
   * not waited for (the round fails with `UpstreamRateLimitedError`). @default MAX_RETRY_DELAY_MS (20 s)
   */
  maxRetryDelayMs?: number
  /**
   * How long the caller can still wait (the engine passes the time the job has left before
   * `limits.jobTimeoutMs`): a `Retry-After` at least this long is not waited for, the round fails
   * at once with `UpstreamRateLimitedError` instead of the job ending as a timeout during the wait.
   */
  timeLeftMs?: () => number
  /**
   * The time the workflow node making the request has left before `limits.nodeTimeoutMs`
   * (`ModelClient.withNodeTimeLeft`): a retry wait at least this long is not waited either.
   */
  nodeTimeLeftMs?: () => number
  /** Called before each retry, once its wait is over, with the error that caused it (metrics: `model_retries_total`). */
  onRetry?: (error: ModelError) => void
  /** True when `fetch` is the built-in scripted model. @default false */
  scripted?: boolean
  /** Owns the retry delays and the first-token/stall timers (the engine passes the job's). @default a set of the client's own */
  timers?: TimerSet
}

/** Options with the timer set filled in. */
export type ClientOptions = ModelClientOptions & { timers: TimerSet }

/**
 * Creates a client for the real upstream (node:http), or over `options.fetch` (the scripted
 * model, a test double). `stream` is read by pulling; `consume` pushes (the engine's path).
 */
export function createModelClient(options: ModelClientOptions): ModelClient {
  // A key read from a secret file or `echo`ed into the environment often ends with a line break:
  // fetch trims it from the header, node:http refuses the header (every request then failed as
  // "Could not reach the model endpoint", after its retries), and an untrimmed key is not
  // scrubbed from what the upstream echoes.
  const apiKey = options.apiKey?.trim()
  const filled: ClientOptions = { ...options, ...(apiKey !== undefined ? { apiKey } : {}), timers: options.timers ?? createTimerSet() }
  return clientWith(filled)
}

function clientWith(options: ClientOptions): ModelClient {
  return {
    scripted: options.scripted ?? false,
    stream: (request, signal) => streamWithRetries(options, request, signal),
    consume: (request, signal, onEvent) => consumeWithRetries(options, request, signal, onEvent),
    withNodeTimeLeft: nodeTimeLeftMs => clientWith({ ...options, nodeTimeLeftMs }),
  }
}

/**
 * Streams with retries before the first event. One async generator reads the body, parses it
 * synchronously (a push parser) and yields the events: a single async layer per chunk between
 * the socket and the caller (each nested async generator would add its own promise hops).
 */
async function* streamWithRetries(options: ClientOptions, request: ModelRequest, signal: AbortSignal): AsyncGenerator<ModelEvent> {
  const usage = createRetriedUsage()
  // One generator, not one per attempt: a nested generator would add its promise hops to every chunk.
  try {
    for (let attempt = 0; ; attempt++) {
      // Once an event went out, a retry would repeat it: never retry after that.
      let yielded = false
      try {
        if (signal.aborted) throw abortReason(signal)
        const secrets = requestSecrets(options.apiKey ?? '', options.secrets, request.headers)
        const attempt = startAttempt(options, signal)
        const { controller, timers } = attempt
        let reader: ByteReader | null = null
        let cancelRead: (() => void) | undefined
        const parser = createChatCompletionParser(undefined, secrets)
        try {
          reader = (await openResponse(options, request, secrets, attempt)).reader()
          if (!reader) throw new UpstreamProtocolError('The model endpoint answered without a body')
          const body = reader
          // One listener per attempt (not one per read): an abort or a timeout ends the pending read at once.
          cancelRead = () => void body.cancel(abortReason(controller.signal)).catch(() => {})
          controller.signal.addEventListener('abort', cancelRead, { once: true })
          // The model began answering: an event went out, or a tool call's first fragment came.
          let answering = false
          // After a finish reason the answer is whole: a body that breaks off, or goes silent past the
          // attempt's time limit, before `[DONE]` ends the round as its end would (the caller's abort still stops it).
          let broken = false
          for (;;) {
            // Before the model answers the first-token timer governs; after that, each read has a stall limit.
            if (answering) timers.readStarted()
            let result: Awaited<ReturnType<ByteReader['read']>>
            try {
              result = await body.read()
            }
            catch (error) {
              if (!parser.finishSeen || signal.aborted) throw error
              broken = true
              break
            }
            timers.readEnded()
            // An abort cancels the reader, which ends the read as if the body were done: tell them apart.
            if (controller.signal.aborted) {
              if (!parser.finishSeen || signal.aborted) throw abortReason(controller.signal)
              broken = true
              break
            }
            if (result.done) break
            for (const event of parser.feed(result.value)) {
              if (!answering) timers.clearFirstToken()
              answering = true
              yielded = true
              yield usage.event(event)
            }
            // A call goes out only when the round ends: its fragments streaming in are the answer too, as
            // are reasoning blocks (an encrypted one comes with no reasoning text).
            if (!answering && parser.answerStarted) {
              timers.clearFirstToken()
              answering = true
            }
            if (parser.failure) throw parser.failure
            if (parser.done) break
          }
          for (const event of parser.end(broken)) {
            if (!answering) timers.clearFirstToken()
            answering = true
            yielded = true
            yield usage.event(event)
          }
          if (parser.failure) throw parser.failure
        }
        catch (error) {
          // A timeout or the caller's abort: report why it was aborted, not how the read failed — but
          // a round a finish reason failed, waiting only for its usage, failed that way.
          if (controller.signal.aborted) {
            const failed = signal.aborted ? null : parser.finishFailure()
            // It quotes the chunk (`native_finish_reason`): scrubbed as every other failure is.
            throw failed ? toModelError(failed, secrets, true) : abortReason(controller.signal)
          }
          throw toModelError(error, secrets, reader !== null)
        }
        finally {
          timers.readEnded()
          attempt.release()
          reader?.cancel(controller.signal.aborted ? abortReason(controller.signal) : undefined).catch(() => {})
          if (cancelRead) controller.signal.removeEventListener('abort', cancelRead)
          // Stopped early (consumer broke out, or an error): make sure the upstream request ends too.
          if (!controller.signal.aborted) controller.abort()
        }
        break
      }
      catch (error) {
        const retry = planRetry(error, attempt, yielded, options, signal, usage)
        if (retry.billed) yield retry.billed
        await waitToRetry(retry, signal, options)
      }
    }
  }
  catch (error) {
    // Stopped during an attempt or a retry's wait: the retried attempts' tokens were billed all the same.
    const spent = signal.aborted ? usage.end() : null
    if (spent) yield spent
    throw error
  }
  // The retried attempts' usage, when the last attempt reported none (retried-usage.ts).
  const spent = usage.end()
  if (spent) yield spent
}
