/**
 * The AI SDK posts the whole chat back every turn (a newest-message-only client gets it from the
 * chat's jobs), so a message longer than `limits.maxMessageChars` among the earlier ones would
 * refuse every later turn for good: an answer the model wrote past the limit (its steps' text
 * joined), or a user message the server refused that the SDK keeps in its list. Those go to the
 * model cut instead, marked, as the demo's own chat sends a long answer back
 * (demo/app/lib/history-window.ts). Only the message a turn answers is checked against the limit.
 */
import { cutTextWith } from '../../../shared/cut-text'

/** Marks a message cut to the limit. */
const CUT_MARK = '…'

/** `messages` with every one but the answered one (`answered`, an index) cut to `maxChars`. */
export function cutEarlierMessages<T extends { content: string }>(messages: T[], answered: number, maxChars: number): T[] {
  return messages.map((message, index) => index === answered || message.content.length <= maxChars
    ? message
    : { ...message, content: cutTextWith(message.content, maxChars - CUT_MARK.length, CUT_MARK) })
}
