/**
 * The model client: one streamed chat-completions round against an OpenAI-compatible endpoint,
 * with retries before the first event, first-token and stall timeouts, and a prompt abort.
 */
import { abortableDelay, abortReason, raceAbort } from './abortable'
import { ModelError, UpstreamHttpError, UpstreamProtocolError, UpstreamTimeoutError } from './errors'
import { parseChatCompletionStream } from './parse-stream'
import type { ModelClient, ModelEvent, ModelRequest } from './types'
import { httpErrorFrom, toModelError } from './upstream-response'

/** The part of `fetch` the client uses (the scripted model and tests provide their own). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>

/** Longest wait between retries, whatever `Retry-After` asks. */
export const MAX_RETRY_DELAY_MS = 20_000

export interface ModelClientOptions {
  /** OpenAI-compatible base URL (`…/v1`); `/chat/completions` is appended. */
  baseUrl: string
  /** Sent as `Authorization: Bearer …` when set; never appears in an error message. */
  apiKey?: string
  /** @default globalThis.fetch */
  fetch?: FetchLike
  /** Fail when no event came this long after the request started. */
  firstTokenTimeoutMs: number
  /** Fail when, after the first event, no bytes came for this long. */
  stallTimeoutMs: number
  /** Retries on 429/5xx/network errors, only before the first event. */
  maxRetries: number
  /** First retry delay; doubles each retry. A `Retry-After` header wins. */
  retryBaseDelayMs: number
  /** Cap for any retry delay. @default MAX_RETRY_DELAY_MS */
  maxRetryDelayMs?: number
  /** True when `fetch` is the built-in scripted model. @default false */
  scripted?: boolean
}

/** Creates a client over `options.fetch` (the real upstream, the scripted model or a test double). */
export function createModelClient(options: ModelClientOptions): ModelClient {
  return {
    scripted: options.scripted ?? false,
    stream: (request, signal) => streamWithRetries(options, request, signal),
  }
}

interface Progress {
  /** Once an event went out, a retry would repeat it: never retry after that. */
  yielded: boolean
}

async function* streamWithRetries(options: ModelClientOptions, request: ModelRequest, signal: AbortSignal): AsyncGenerator<ModelEvent> {
  for (let attempt = 0; ; attempt++) {
    const progress: Progress = { yielded: false }
    try {
      yield* streamOnce(options, request, signal, progress)
      return
    }
    catch (error) {
      if (signal.aborted) throw abortReason(signal)
      const retryable = error instanceof ModelError && error.retryable
      if (progress.yielded || !retryable || attempt >= options.maxRetries) throw error
      await abortableDelay(retryDelayMs(options, error, attempt), signal)
    }
  }
}

function retryDelayMs(options: ModelClientOptions, error: ModelError, attempt: number): number {
  const capMs = options.maxRetryDelayMs ?? MAX_RETRY_DELAY_MS
  if (error instanceof UpstreamHttpError && error.retryAfterMs !== undefined) return Math.min(error.retryAfterMs, capMs)
  return Math.min(options.retryBaseDelayMs * 2 ** attempt, capMs)
}

async function* streamOnce(options: ModelClientOptions, request: ModelRequest, signal: AbortSignal, progress: Progress): AsyncGenerator<ModelEvent> {
  if (signal.aborted) throw abortReason(signal)
  const apiKey = options.apiKey ?? ''
  // One controller per attempt: the caller's abort and our timeouts both cancel the real request.
  const controller = new AbortController()
  const forwardAbort = () => controller.abort(abortReason(signal))
  signal.addEventListener('abort', forwardAbort, { once: true })
  const timers = createAttemptTimers(options, controller)
  try {
    const fetchImpl = options.fetch ?? globalThis.fetch
    const response = await raceAbort(fetchImpl(chatCompletionsUrl(options.baseUrl), {
      method: 'POST',
      headers: requestHeaders(apiKey, request),
      body: JSON.stringify(requestBody(request)),
      signal: controller.signal,
    }), controller.signal)
    if (!response.ok) throw await httpErrorFrom(response, apiKey, controller.signal)
    if (!response.body) throw new UpstreamProtocolError('The model endpoint answered without a body')
    for await (const event of parseChatCompletionStream(readBody(response.body, controller.signal, timers, progress))) {
      timers.clearFirstToken()
      progress.yielded = true
      yield event
    }
  }
  catch (error) {
    // A timeout or the caller's abort: report why it was aborted, not how the read failed.
    if (controller.signal.aborted) throw abortReason(controller.signal)
    throw toModelError(error, apiKey)
  }
  finally {
    timers.clearAll()
    signal.removeEventListener('abort', forwardAbort)
    // Stopped early (consumer broke out, or an error): make sure the upstream request ends too.
    if (!controller.signal.aborted) controller.abort()
  }
}

async function* readBody(body: ReadableStream<Uint8Array>, signal: AbortSignal, timers: AttemptTimers, progress: Progress): AsyncGenerator<Uint8Array> {
  const reader = body.getReader()
  try {
    while (true) {
      // Before the first event the first-token timer governs; after it, each read has a stall limit.
      if (progress.yielded) timers.startStall()
      const result = await raceAbort(reader.read(), signal)
      timers.clearStall()
      if (result.done) return
      yield result.value
    }
  }
  finally {
    timers.clearStall()
    reader.cancel(signal.aborted ? abortReason(signal) : undefined).catch(() => {})
  }
}

interface AttemptTimers {
  clearFirstToken(): void
  startStall(): void
  clearStall(): void
  clearAll(): void
}

function createAttemptTimers(options: ModelClientOptions, controller: AbortController): AttemptTimers {
  let firstToken: ReturnType<typeof setTimeout> | undefined = setTimeout(() => {
    controller.abort(new UpstreamTimeoutError('first-token', options.firstTokenTimeoutMs))
  }, options.firstTokenTimeoutMs)
  let stall: ReturnType<typeof setTimeout> | undefined
  const timers: AttemptTimers = {
    clearFirstToken() {
      clearTimeout(firstToken)
      firstToken = undefined
    },
    startStall() {
      clearTimeout(stall)
      stall = setTimeout(() => {
        controller.abort(new UpstreamTimeoutError('stall', options.stallTimeoutMs))
      }, options.stallTimeoutMs)
    },
    clearStall() {
      clearTimeout(stall)
      stall = undefined
    },
    clearAll() {
      timers.clearFirstToken()
      timers.clearStall()
    },
  }
  return timers
}

function chatCompletionsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/chat/completions`
}

function requestHeaders(apiKey: string, request: ModelRequest): Record<string, string> {
  return {
    'content-type': 'application/json',
    'accept': 'text/event-stream',
    ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
    ...request.headers,
  }
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
