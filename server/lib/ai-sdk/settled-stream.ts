/**
 * The answer to a post whose last message is the assistant's with nothing left to answer: the
 * AI SDK sends one when `sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithToolCalls`
 * (the SDK docs' pattern for client-side tools) finds a message whose last step ended in tool
 * outputs, or on `sendMessage()` with no message. An AI SDK server would call the model again
 * with those outputs. Here every tool runs on the server inside the job, so such a message is
 * one whose job was stopped on purpose (aborted between a round's tools and the next round, or
 * restored from storage as it was then): calling the model again would undo that stop. So
 * nothing new is started, and the response is a stream the SDK accepts as complete: an empty
 * step closes the message's last step, so the SDK's predicate no longer holds and it does not
 * post again (no re-post loop). A message whose last step still asks for a tool approval
 * (`sendMessage()` before answering it), or a client tool's call still without its output, keeps
 * that step open instead: closed, the approval would no longer be where
 * `lastAssistantMessageIsCompleteWithApprovalResponses` looks (nor the output where
 * `lastAssistantMessageIsCompleteWithToolCalls` does), so answering it would never post and the
 * job would wait until the request expires.
 */
import type { ServerResponse } from 'node:http'
import { SSE_RESPONSE_HEADERS } from '../http/sse-writer'
import type { UiMessageInput } from './chat-request'
import type { UiChunk } from './ui-chunks'
import { formatChunk, UI_MESSAGE_STREAM_DONE, UI_MESSAGE_STREAM_HEADERS } from './ui-chunks'

/**
 * True when the last step of `message` (its parts after the last `step-start`) holds a tool
 * approval not answered yet, or a call without its output (`input-available`: a client tool's
 * call its job waits for — closed, `lastAssistantMessageIsCompleteWithToolCalls` would no longer
 * see its output once given, and the job would wait until the request expires).
 */
export function asksApproval(message: UiMessageInput): boolean {
  const lastStep = message.parts.slice(message.parts.findLastIndex(part => part.type === 'step-start') + 1)
  return lastStep.some(part => (part.type === 'dynamic-tool' || part.type.startsWith('tool-')) && (part.state === 'approval-requested' || part.state === 'input-available'))
}

/**
 * The chunks of a settled answer for assistant message `messageId` (kept in place); `asking`: its
 * last step waits for an approval, left open (nothing added; it ended `tool-calls`, as it was).
 */
export function settledChunks(messageId: string, asking = false): UiChunk[] {
  if (asking) return [{ type: 'start', messageId }, { type: 'finish', finishReason: 'tool-calls' }]
  // `start` after `start-step`: the SDK writes the message on a `start` with an id, so the empty
  // step reaches the chat's messages (a bare `start-step` is only stored by the next written chunk).
  return [{ type: 'start-step' }, { type: 'start', messageId }, { type: 'finish-step' }, { type: 'finish', finishReason: 'stop' }]
}

/** Writes the settled answer as a whole UI message stream response. */
export function sendSettledStream(response: ServerResponse, messageId: string, asking = false): void {
  response.statusCode = 200
  for (const [name, value] of Object.entries({ ...SSE_RESPONSE_HEADERS, ...UI_MESSAGE_STREAM_HEADERS })) response.setHeader(name, value)
  response.end(settledChunks(messageId, asking).map(formatChunk).join('') + UI_MESSAGE_STREAM_DONE)
}
