/**
 * The part of the AI SDK's UI message stream protocol (`ai` 5+, `x-vercel-ai-ui-message-stream:
 * v1`) that background jobs speak: SSE `data:` lines of JSON chunks, ended by `data: [DONE]`.
 * Written here so the layer does not depend on `ai` at run time; the tests read our streams with
 * the SDK's own transport and schema.
 */

/** Response headers of a UI message stream (the SDK's `UI_MESSAGE_STREAM_HEADERS`). */
export const UI_MESSAGE_STREAM_HEADERS: Record<string, string> = {
  'x-vercel-ai-ui-message-stream': 'v1',
}

/** The line that ends a UI message stream. */
export const UI_MESSAGE_STREAM_DONE = 'data: [DONE]\n\n'

/** Why a response ended, in the SDK's words. */
export type UiFinishReason = 'stop' | 'length' | 'content-filter' | 'tool-calls' | 'error' | 'other'

/**
 * What a tool approval request carries besides its ids (the SDK's opaque `approvalDescriptor`,
 * kept as the part's `approval.descriptor` and never sent to the model): `args`, the arguments the
 * job asks about — the call's input after the tool's schema (defaults, transforms), what the tool
 * would run with. The part's `input` stays the model's own arguments, which go back to the model.
 */
export interface UiApprovalDescriptor {
  args: unknown
}

/** What a `data-tool-progress` part holds: the call and what its tool said last. */
export interface UiToolProgress {
  toolCallId: string
  message: string
  /** 0..1; absent when the tool did not say. */
  fraction?: number
}

/** The chunks we send (a subset of the SDK's `UIMessageChunk`). */
export type UiChunk =
  | { type: 'start', messageId: string, messageMetadata?: unknown }
  | { type: 'start-step' }
  | { type: 'finish-step' }
  /** Takes back the parts since the last `start-step` (text the store never took: taken-back-chunks.ts). */
  | { type: 'reset-step' }
  | { type: 'text-start', id: string }
  | { type: 'text-delta', id: string, delta: string }
  | { type: 'text-end', id: string }
  | { type: 'reasoning-start', id: string }
  | { type: 'reasoning-delta', id: string, delta: string }
  | { type: 'reasoning-end', id: string }
  | { type: 'tool-input-available', toolCallId: string, toolName: string, input: unknown }
  | { type: 'tool-approval-request', approvalId: string, toolCallId: string, approvalDescriptor?: UiApprovalDescriptor }
  | { type: 'tool-approval-response', approvalId: string, approved: boolean, reason?: string }
  | { type: 'tool-output-available', toolCallId: string, output: unknown }
  /** A running call's latest `ctx.progress`: one part per call (its `id`), updated in place (docs/tool-progress.md). */
  | { type: 'data-tool-progress', id: string, data: UiToolProgress }
  | { type: 'tool-output-error', toolCallId: string, errorText: string }
  | { type: 'tool-output-denied', toolCallId: string }
  | { type: 'error', errorText: string }
  | { type: 'abort', reason?: string }
  | { type: 'finish', finishReason: UiFinishReason, messageMetadata?: unknown }
  | { type: 'message-metadata', messageMetadata: unknown }

/** One chunk as an SSE line. */
export function formatChunk(chunk: UiChunk): string {
  return `data: ${JSON.stringify(chunk)}\n\n`
}

/** An OpenAI-style finish reason (`tool_calls`, `content_filter`) in the SDK's words. */
export function toUiFinishReason(reason: string | null | undefined): UiFinishReason {
  switch (reason) {
    case 'stop':
    case 'length':
    case 'error':
      return reason
    // Mistral: the model's context window was reached (`length` is its output limit).
    case 'model_length':
      return 'length'
    case 'tool_calls':
    case 'tool-calls':
      return 'tool-calls'
    case 'content_filter':
    case 'content-filter':
      return 'content-filter'
    default:
      return 'other'
  }
}
