/**
 * What the model client yields: a normalised view of an OpenAI-compatible chat-completions stream.
 */
import type { ReasoningDetail, TokenUsage } from '../../../shared/events'
import type { ChatMessage } from '../providers/types'

/** A tool as offered to the model (the JSON Schema comes from the tool's zod parameters). */
export interface ModelTool {
  type: 'function'
  function: { name: string, description: string, parameters: Record<string, unknown> }
}

/** One request to the model. */
export interface ModelRequest {
  model: string
  messages: ChatMessage[]
  tools?: ModelTool[]
  /** Extra headers for this request (set by the `background-jobs:upstream-request` hook). */
  headers?: Record<string, string>
  /** Extra body fields merged into the upstream JSON body. */
  body?: Record<string, unknown>
}

/** A complete tool call, joined from its fragments. */
export interface ModelToolCall {
  id: string
  name: string
  /** The raw JSON text of the arguments ('' for a tool without arguments). */
  arguments: string
  /**
   * The call's `extra_content`, as it came: Gemini's OpenAI-compatible endpoint puts the call's
   * thought signature there (`{ google: { thought_signature } }`) and wants it back on the call.
   */
  extraContent?: Record<string, unknown>
}

/** What the stream yields, in order. */
export type ModelEvent =
  | { type: 'text-delta', text: string }
  | { type: 'reasoning-delta', text: string }
  /** Emitted once per call when the stream finishes (or a finish_reason arrives). */
  | { type: 'tool-call', call: ModelToolCall }
  /** The round's whole usage so far: a later one replaces an earlier one (a retried attempt's comes before the retry's wait). */
  | { type: 'usage', usage: TokenUsage }
  /**
   * `reasoningField`: the round's reasoning came (at least partly) as `reasoning_content` (DeepSeek,
   * Kimi, vLLM): such an endpoint takes it back on the assistant message of a tool round, and
   * DeepSeek's and Kimi's thinking models require it there. Absent for any other field (OpenRouter's
   * `reasoning`, Mistral's thinking parts): an endpoint may refuse a field it never sent.
   * `reasoningDetails`: OpenRouter's reasoning blocks of the round, joined from their fragments
   * (reasoning-details.ts); absent when none came (or too many bytes of them).
   */
  | { type: 'finish', finishReason: string | null, reasoningField?: 'reasoning_content', reasoningDetails?: ReasoningDetail[] }

/** Streams one model round. Throws a `ModelError` subclass on failure; honours `signal`. */
export interface ModelClient {
  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent>
  /**
   * The same round pushed: `onEvent` gets every event synchronously, in order, as the body is
   * parsed (no async step per chunk); resolves when the stream ended, rejects like `stream`
   * throws. Optional: callers fall back to `stream` (test doubles often only iterate).
   */
  consume?(request: ModelRequest, signal: AbortSignal, onEvent: (event: ModelEvent) => void): Promise<void>
  /**
   * The same client for a workflow node's rounds: a retry wait at least `timeLeftMs()` (the time
   * the node has left before `limits.nodeTimeoutMs`) is not waited, as for the job's time limit.
   * Optional: without it, a node's rounds have the job's limit only.
   */
  withNodeTimeLeft?(timeLeftMs: () => number): ModelClient
  /** True when this client talks to the built-in scripted model. */
  readonly scripted: boolean
}
