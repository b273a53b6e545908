/**
 * The AI SDK posts the whole chat back every turn (a newest-message-only client gets it from the
 * chat's jobs), and it keeps a message the server refused in its list. So an earlier message the
 * checks would refuse must not refuse every later turn for good; only the message a turn answers
 * is held to them. The model gets the earlier ones as they can be taken:
 * - one longer than `limits.maxMessageChars` — an answer the model wrote past it (its steps' text
 *   joined), or a refused user message — cut to the limit and marked, as the demo's own chat
 *   sends a long answer back (demo/app/lib/history-window.ts);
 * - a user message with no text (`sendMessage({ files })`, refused for its files) is left out: it
 *   carries nothing for the model, like an assistant message with tool calls only.
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

/**
 * The indexes of `messages` to send: all but the earlier user messages with no text (the answered
 * one, at `answered`, is kept whatever it holds, so that its check still applies).
 */
export function sentMessageIndexes(messages: Array<{ role: string, content: string }>, answered: number): number[] {
  return messages.flatMap((message, index) => index !== answered && message.role === 'user' && message.content.trim() === '' ? [] : [index])
}
