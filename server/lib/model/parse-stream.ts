/**
 * Turns an OpenAI-compatible chat-completions SSE byte stream into `ModelEvent`s.
 * Events are framed by sse-data.ts (a UTF-8 character split across chunks stays whole: its
 * decoder holds the first bytes until the rest come); comment lines (`: OPENROUTER PROCESSING`)
 * are ignored.
 */
import { cutTextWith } from '../../../shared/cut-text'
import { isHighSurrogate } from '../../../shared/lone-surrogate'
import type { TokenUsage } from '../../../shared/events'
import { createBodyHead, notAnEventStream } from './body-head'
import type { EchoedSecrets } from './echoed-secrets'
import { contentPieces } from './delta-content'
import { ModelError, UpstreamProtocolError } from './errors'
import { createReasoningDetailsJoiner } from './reasoning-details'
import type { ReasoningDetailsJoiner } from './reasoning-details'
import { scrubbedError, withErrorScrubbed } from './scrubbed-error'
import { createSseDataReader, SseLineTooLongError } from './sse-data'
import { finishedWithError, interruptedForCapacity, parseErrorField, streamError } from './stream-error'
import type { StreamErrorValue } from './stream-error'
import { joinFragment } from './tool-call-join'
import { boundedCallName } from './tool-call-name'
import type { RoundCalls, ToolCallFragment } from './tool-call-join'
import type { ModelEvent } from './types'
import { redact } from './upstream-response'

/** The parts of one chat-completions chunk this parser reads. */
interface CompletionChunk {
  choices?: Array<{
    delta?: {
      content?: string | unknown[] | null
      reasoning?: string | null
      reasoning_content?: string | null
      /** OpenRouter's reasoning blocks, in fragments (reasoning-details.ts). */
      reasoning_details?: unknown
      tool_calls?: ToolCallFragment[]
      /** OpenAI's structured outputs: the model's refusal, in pieces, instead of `content`. */
      refusal?: string | null
    }
    finish_reason?: string | null
    /** OpenRouter: the provider's own reason beside the normalised one (`MALFORMED_FUNCTION_CALL`). */
    native_finish_reason?: unknown
  }>
  usage?: { prompt_tokens?: number, completion_tokens?: number, total_tokens?: number } | null
  /** OpenAI-style `{ message, code }`, or a bare string (text-generation-inference, some proxies). */
  error?: StreamErrorValue
}

/** Bytes from a `fetch` body or any async source. */
export type ByteSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>

/**
 * A push parser for the model client's read loop: hand it each piece of the body as it arrives
 * and take the events it completed — no async layer per chunk. After `failure` is set, the
 * caller hands out the events it got and then throws it (partial text is kept).
 */
export interface ChatCompletionParser {
  /** Parses a piece of the body; returns the events it completed (often none or one). */
  feed(bytes: Uint8Array): ModelEvent[]
  /**
   * The body ended: a last unterminated chunk, then the tool calls, usage and finish. `broken`: it
   * did not end but broke off (after a finish reason: `finishSeen`), so an unterminated last line
   * is a cut one and does not count.
   */
  end(broken?: boolean): ModelEvent[]
  /** `[DONE]` came: nothing more is read. */
  readonly done: boolean
  /** What went wrong (a mid-stream `{error}`, a malformed chunk), once it did. */
  readonly failure: Error | null
  /**
   * A tool call's fragment or a `reasoning_details` block came: the model is answering, though
   * neither yields an event before the round ends (a call's long arguments, an encrypted block).
   */
  readonly answerStarted: boolean
  /**
   * A `finish_reason` came: the answer is whole (or failed, `finishFailure`), only its usage and
   * `[DONE]` may follow — a body that breaks off or goes silent now ends the round as its end would.
   * Only a finish that stands: one on a chunk without content, or confirmed by usage after it, and
   * no content since (some gateways put a finish reason on chunks that are not the last).
   */
  readonly finishSeen: boolean
  /**
   * The failure a `finish_reason` reported (with the usage that came after it so far), when the
   * wait for the body's end is cut short (the attempt's stall limit: an endpoint that keeps the
   * body open after it). The round failed that way, not by a timeout. Null without one.
   */
  finishFailure(): Error | null
}

/** Creates a push parser for one response body; a line longer than `maxLineBytes` (default 16 MiB) fails it. `secrets`: the API key, or every secret scrubbed from what an error quotes (echoed-secrets.ts). */
export function createChatCompletionParser(maxLineBytes?: number, secrets: EchoedSecrets = ''): ChatCompletionParser {
  const state = createStreamState()
  // The body's first bytes, kept until an SSE event came: a body with none is reported with them.
  const head = createBodyHead()
  const reader = createSseDataReader((data) => {
    // An empty `data:` event is a keep-alive some proxies and gateways send (as others send comments).
    if (data.length === 0 || (data.charCodeAt(0) <= 0x20 && data.trim() === '')) return
    state.sawData = true
    if (state.done || state.failure) return
    // A JSON chunk starts with `{`; anything else may be the end marker (spaces around it allowed).
    if (data.charCodeAt(0) !== 0x7B && data.trim() === '[DONE]') {
      state.done = true
      return
    }
    try {
      // After a failing finish only the usage counts (the body's end gives the failure).
      if (state.failedFinish) takeUsage(state, parseChunk(data, secrets))
      else handleChunk(state, withErrorScrubbed(parseChunk(data, secrets), secrets))
    }
    catch (error) {
      if (state.failedFinish) return
      // A chunk of an unexpected shape is a protocol error, never a TypeError out of the job.
      state.failure = error instanceof ModelError ? error : new UpstreamProtocolError(`The model stream sent a chunk of an unexpected shape: ${(error as Error).message}`)
    }
  }, maxLineBytes, (value) => {
    // llama.cpp's server reports a failure as an `error: {code, message, type}` line, then ends the body.
    state.sawData = true
    if (state.done || state.failure) return
    state.failure = streamError(scrubbedError(parseErrorField(value), secrets))
  })
  return {
    feed(bytes) {
      if (!state.sawData) head.keep(bytes)
      try {
        reader.feed(bytes)
      }
      catch (error) {
        if (!(error instanceof SseLineTooLongError)) throw error
        state.failure ??= new UpstreamProtocolError(`The model stream sent ${error.message}`)
      }
      return takePending(state)
    },
    end(broken = false) {
      // The body ended without `[DONE]`: finish with whatever came, including a last unterminated event.
      if (!state.done && !broken) reader.end()
      // A list of its own: the end's events are added to it (`takePending` may give the shared empty one).
      const events = [...takePending(state)]
      settleFinish(state)
      if (state.failure) return events
      // Not one `data:` event: a JSON (non-streamed) answer, an HTML page, an empty body — never an empty answer.
      if (!state.sawData) {
        state.failure = notAnEventStream(redact(head.text(), secrets))
        return events
      }
      try {
        for (const event of finishEvents(state)) events.push(event)
      }
      catch (error) {
        // A call that cannot run (no name): the round's usage, which came, still counts (billed).
        state.failure = Object.assign(error as Error, state.usage ? { usage: state.usage } : {})
      }
      return events
    },
    get done() {
      return state.done
    },
    get failure() {
      return state.failure
    },
    get answerStarted() {
      return state.callStarted || state.reasoningDetails !== null
    },
    get finishSeen() {
      return state.failedFinish !== null || (state.finishReason !== null && state.finishStanding === 'confirmed')
    },
    finishFailure() {
      if (!state.failedFinish) return null
      settleFinish(state)
      return state.failure
    },
  }
}

/** Parses a whole stream; throws `UpstreamStreamError` / `UpstreamProtocolError` after yielding what came before. */
export async function* parseChatCompletionStream(source: ByteSource): AsyncGenerator<ModelEvent> {
  const parser = createChatCompletionParser()
  // An async iterable is read as it is (no wrapping generator: one layer less per chunk).
  for await (const bytes of source instanceof ReadableStream ? iterate(source) : source) {
    yield* parser.feed(bytes)
    if (parser.failure) throw parser.failure
    if (parser.done) break
  }
  yield* parser.end()
  if (parser.failure) throw parser.failure
}

interface StreamState {
  pending: ModelEvent[]
  /** This round's tool calls so far, in the order their first fragments came (held within tool-call-bounds.ts). */
  toolCalls: RoundCalls
  finishReason: string | null
  usage: TokenUsage | null
  done: boolean
  failure: Error | null
  /**
   * A `finish_reason` that failed the round: the failure once the body ends, so that the `usage`
   * chunk an endpoint sends after it still counts (its tokens were spent; ModelError.usage).
   */
  failedFinish: ModelError | null
  /** An SSE event with data came (a chunk or `[DONE]`). */
  sawData: boolean
  /** A tool call's fragment came. */
  callStarted: boolean
  /** Reasoning came as `reasoning_content` (it goes back under that name in a tool round's history). */
  reasoningContent: boolean
  /** OpenRouter's reasoning blocks, once a fragment of one came. */
  reasoningDetails: ReasoningDetailsJoiner | null
  /**
   * Whether a `finish_reason` that came can be taken as the last word (`finishSeen`): not when the
   * chunk that carried it also carried content and nothing but usage has confirmed it since, nor
   * once content came after it — a gateway that marks every chunk with a finish reason would
   * otherwise have a reset mid-answer read as a whole answer. `'confirmed'`: a chunk without
   * content carried it, or usage came after it; `'open'`: it came with content; null: none yet.
   */
  finishStanding: 'confirmed' | 'open' | 'refuted' | null
  /**
   * A delta's last code unit when it is the first half of a surrogate pair: an upstream that
   * escapes an emoji as `\ud83d\ude00` may cut between the two, and each delta must be whole
   * text (a store or a viewer that writes UTF-8 would turn a half into `�`). It goes out with the
   * next delta of its kind, or alone at the end.
   */
  held: Record<'text-delta' | 'reasoning-delta', string>
}

function createStreamState(): StreamState {
  return { pending: NO_EVENTS, toolCalls: { list: [], bytes: 0 }, finishReason: null, usage: null, done: false, failure: null, failedFinish: null, sawData: false, callStarted: false, reasoningContent: false, reasoningDetails: null, finishStanding: null, held: { 'text-delta': '', 'reasoning-delta': '' } }
}

/** Queues a text or reasoning delta, holding back a trailing high surrogate until its pair comes. */
function pushDelta(state: StreamState, type: 'text-delta' | 'reasoning-delta', content: string): void {
  let text = state.held[type] + content
  state.held[type] = ''
  if (isHighSurrogate(text.charCodeAt(text.length - 1))) {
    state.held[type] = text.slice(-1)
    text = text.slice(0, -1)
  }
  if (text) queue(state, { type, text })
}

/** `feed`'s answer for a piece with no event, and `pending` while none is queued: one shared list, never written to. */
const NO_EVENTS = Object.freeze([]) as unknown as ModelEvent[]

/**
 * Queues an event. The first one makes a list of one (`[event]`, sized to it): an empty `[]` that
 * is pushed to grows a backing store of 17 slots, made and dropped for every piece of a stream.
 */
function queue(state: StreamState, event: ModelEvent): void {
  if (state.pending === NO_EVENTS) state.pending = [event]
  else state.pending.push(event)
}

/** The events parsed so far; the caller yields them before throwing any failure, so partial text is kept. */
function takePending(state: StreamState): ModelEvent[] {
  const events = state.pending
  state.pending = NO_EVENTS
  return events
}

function* finishEvents(state: StreamState): Generator<ModelEvent> {
  // A half that never got its pair goes out as the upstream sent it.
  for (const type of ['reasoning-delta', 'text-delta'] as const) {
    if (state.held[type]) yield { type, text: state.held[type] }
  }
  yield* flushToolCalls(state)
  if (state.usage) yield { type: 'usage', usage: state.usage }
  const reasoningDetails = state.reasoningDetails?.blocks()
  yield {
    type: 'finish',
    finishReason: state.finishReason,
    ...(state.reasoningContent ? { reasoningField: 'reasoning_content' as const } : {}),
    ...(reasoningDetails ? { reasoningDetails } : {}),
  }
}

function* flushToolCalls(state: StreamState): Generator<ModelEvent> {
  // By index; calls that share one keep the order they came in (the sort is stable). Names: tool-call-name.ts.
  const calls = [...state.toolCalls.list].sort((left, right) => left.index - right.index)
  state.toolCalls = { list: [], bytes: 0 }
  for (const { index, call } of calls) {
    if (!call.name) throw new UpstreamProtocolError(`The model sent a tool call (index ${index}) without a name`)
    yield { type: 'tool-call', call: { ...call, name: boundedCallName(call.name) } }
  }
}

function parseChunk(data: string, secrets: EchoedSecrets): CompletionChunk {
  try {
    const parsed: unknown = JSON.parse(data)
    if (parsed && typeof parsed === 'object') return parsed as CompletionChunk
  }
  catch {
    // Reported below with an excerpt.
  }
  const excerpt = cutTextWith(redact(data, secrets), 120, '…')
  throw new UpstreamProtocolError(`The model stream sent a chunk that is not a JSON object: ${excerpt}`)
}

function handleChunk(state: StreamState, chunk: CompletionChunk): void {
  if (chunk.error) throw streamError(chunk.error)
  const choice = chunk.choices?.[0]
  const delta = choice?.delta
  const before = state.pending.length
  const fragments = Array.isArray(delta?.tool_calls) ? delta.tool_calls.length : 0
  if (delta) {
    // OpenRouter names it `reasoning`, DeepSeek-style endpoints `reasoning_content`; never count it twice.
    const reasoning = stringOrEmpty(delta.reasoning) || stringOrEmpty(delta.reasoning_content)
    if (reasoning) {
      pushDelta(state, 'reasoning-delta', reasoning)
      // Checked only on reasoning pieces: whether the endpoint itself uses `reasoning_content`.
      if (!state.reasoningContent && typeof delta.reasoning_content === 'string' && delta.reasoning_content) state.reasoningContent = true
    }
    // OpenRouter's reasoning blocks: also on deltas without reasoning text (an encrypted block comes alone).
    const details = delta.reasoning_details
    if (Array.isArray(details) && details.length) (state.reasoningDetails ??= createReasoningDetailsJoiner()).add(details)
    // A string (every piece of a streamed answer: no list made for it), or (Mistral's reasoning
    // models) a list of thinking and text parts.
    const content = delta.content
    if (typeof content === 'string') {
      if (content) pushDelta(state, 'text-delta', content)
    }
    else if (content) {
      for (const piece of contentPieces(content)) pushDelta(state, piece.type, piece.text)
    }
    // A refusal is what the model answered: without it, the job completed with an empty answer.
    if (typeof delta.refusal === 'string' && delta.refusal) pushDelta(state, 'text-delta', delta.refusal)
    // Guarded, not `?? []`: a text piece makes no empty list.
    if (fragments > 0) {
      for (const fragment of delta.tool_calls!) {
        if (joinFragment(state.toolCalls, fragment)) state.callStarted = true
      }
    }
  }
  takeUsage(state, chunk)
  // Content reached `pending` (text, reasoning, a refusal) or a call's fragment came.
  const carried = state.pending.length > before || fragments > 0
  if (state.finishStanding !== null && carried) state.finishStanding = 'refuted'
  else if (state.finishStanding === 'open' && chunk.usage) state.finishStanding = 'confirmed'
  if (choice?.finish_reason && typeof choice.finish_reason === 'string') {
    if (state.finishStanding !== 'refuted') state.finishStanding = carried ? 'open' : 'confirmed'
    // OpenRouter's normalised `error`: the generation failed (its half-made calls are not run).
    if (choice.finish_reason === 'error') state.failedFinish = finishedWithError(choice.native_finish_reason)
    // DeepSeek: its servers interrupted the generation (the answer is cut short).
    else if (choice.finish_reason === 'insufficient_system_resource') state.failedFinish = interruptedForCapacity()
    if (state.failedFinish) return
    state.finishReason = choice.finish_reason
    try {
      // All or none: a call without a name throws before any is queued.
      for (const event of [...flushToolCalls(state)]) queue(state, event)
    }
    catch (error) {
      // A call that cannot run (no name) fails the round; the usage chunk after it still counts (billed).
      state.failedFinish = error as ModelError
    }
  }
}

/** A failing finish becomes the failure, with the round's usage on it. */
function settleFinish(state: StreamState): void {
  if (state.failedFinish && !state.failure) state.failure = Object.assign(state.failedFinish, state.usage ? { usage: state.usage } : {})
}

function takeUsage(state: StreamState, chunk: CompletionChunk): void {
  if (chunk.usage && typeof chunk.usage === 'object') state.usage = toTokenUsage(chunk.usage)
}

function toTokenUsage(usage: NonNullable<CompletionChunk['usage']>): TokenUsage {
  const prompt = countOrZero(usage.prompt_tokens)
  const completion = countOrZero(usage.completion_tokens)
  return { prompt, completion, total: isCount(usage.total_tokens) ? usage.total_tokens : prompt + completion }
}

/** Upstream JSON is untrusted: a field that should be text counts only when it is a string. */
function stringOrEmpty(value: unknown): string {
  return typeof value === 'string' ? value : ''
}

/**
 * A token count as the upstream sent it, when it is one: a number from 0 up. A negative count (a
 * proxy's bug) would take the job's tokens, and the `model_tokens_total` counter, backwards.
 */
function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
}

function countOrZero(value: unknown): number {
  return isCount(value) ? value : 0
}

async function* iterate(source: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = source.getReader()
  try {
    while (true) {
      const { done, value } = await reader.read()
      if (done) return
      yield value
    }
  }
  finally {
    // Stopping early (after `[DONE]` or an error) releases the upstream body.
    reader.cancel().catch(() => {})
  }
}
