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
 * post again (no re-post loop).
 */
import type { ServerResponse } from 'node:http'
import { SSE_RESPONSE_HEADERS } from '../http/sse-writer'
import type { UiChunk } from './ui-chunks'
import { formatChunk, UI_MESSAGE_STREAM_DONE, UI_MESSAGE_STREAM_HEADERS } from './ui-chunks'

/** The chunks of a settled answer for assistant message `messageId` (kept in place). */
export function settledChunks(messageId: string): UiChunk[] {
  // `start` after `start-step`: the SDK writes the message on a `start` with an id, so the empty
  // step reaches the chat's messages (a bare `start-step` is only stored by the next written chunk).
  return [{ type: 'start-step' }, { type: 'start', messageId }, { type: 'finish-step' }, { type: 'finish', finishReason: 'stop' }]
}

/** Writes the settled answer as a whole UI message stream response. */
export function sendSettledStream(response: ServerResponse, messageId: string): void {
  response.statusCode = 200
  for (const [name, value] of Object.entries({ ...SSE_RESPONSE_HEADERS, ...UI_MESSAGE_STREAM_HEADERS })) response.setHeader(name, value)
  response.end(settledChunks(messageId).map(formatChunk).join('') + UI_MESSAGE_STREAM_DONE)
}
