/**
 * A long conversation within the server's limits. Each chat turn sends the thread's history, and
 * the server refuses a body past `limits.maxMessages` messages, `limits.maxMessageChars` characters
 * in one message or `limits.maxBodyBytes` bytes: without a window, turn 101 of a thread (or the
 * seventh after a few pasted documents) could never be sent. As chat apps do, the oldest turns
 * are left out of what the model is sent (they stay on screen), whole turns only, so the history
 * still starts with the user's message.
 */
import type { CatalogLimits, ChatHistoryMessage } from '../../../app/lib/api-types'
import { cutTextWith } from '../../../shared/cut-text'

/** Room kept in the body for everything but the messages (`threadId`, `tools: []`, the JSON around them). */
export const BODY_ROOM_BYTES = 8_192
/** Marks a message cut to `maxMessageChars` (an answer longer than the server takes back). */
const CUT_MARK = '…'

const encoder = new TextEncoder()
/** The bytes a message takes in the JSON body (with its comma). */
function messageBytes(message: ChatHistoryMessage): number {
  return encoder.encode(JSON.stringify(message)).length + 1
}

/** Why the new message itself cannot be sent, in the user's words; null when it can. */
export function promptProblem(prompt: string, limits: CatalogLimits): string | null {
  const tooLong = prompt.length > limits.maxMessageChars
    || messageBytes({ role: 'user', content: prompt }) > limits.maxBodyBytes - BODY_ROOM_BYTES
  if (!tooLong) return null
  return `Your message is too long to send (${prompt.length.toLocaleString('en')} characters). Shorten it, or split it into parts.`
}

/**
 * `messages` (the history, then the new prompt last: `buildHistory`) cut to what the server takes:
 * the newest turns that fit, each message at most `maxMessageChars` long. A turn is a user message
 * with the answers after it; the new prompt always stays.
 */
export function fitHistory(messages: readonly ChatHistoryMessage[], limits: CatalogLimits): ChatHistoryMessage[] {
  const fitted = messages.map(message => (message.content.length > limits.maxMessageChars
    ? { ...message, content: cutTextWith(message.content, limits.maxMessageChars - CUT_MARK.length, CUT_MARK) }
    : message))
  let count = 0
  let bytes = BODY_ROOM_BYTES
  let start = fitted.length
  // Walk back from the newest, one whole turn (from its user message) at a time.
  for (let index = fitted.length - 1; index >= 0; index--) {
    if (fitted[index]!.role !== 'user' && index > 0) continue
    const turn = fitted.slice(index, start)
    const turnBytes = turn.reduce((sum, message) => sum + messageBytes(message), 0)
    // The newest turn (the prompt) always goes: a prompt too long is caught before (promptProblem).
    if (start < fitted.length && (count + turn.length > limits.maxMessages || bytes + turnBytes > limits.maxBodyBytes)) break
    count += turn.length
    bytes += turnBytes
    start = index
  }
  return fitted.slice(start)
}
