/**
 * The AI SDK posts the whole chat every turn, so a chat past `limits.maxMessages` would be refused
 * for good from then on (a `400` on every turn). Its oldest messages give way instead: the newest
 * that fit, starting at a user message (a turn is not cut in half), as the demo's own chat sends
 * the newest whole turns (demo/app/lib/history-window.ts). The model no longer sees what was cut.
 */
import type { UiMessageInput } from './chat-request'

/** The newest messages that fit `max`, starting at a user message, and how many were left out before them. */
export function newestMessages(messages: UiMessageInput[], max: number): { messages: UiMessageInput[], dropped: number } {
  if (messages.length <= max) return { messages, dropped: 0 }
  let start = messages.length - max
  // Begin at a turn's user message; the last message (the one answered) is kept whatever it is.
  while (start < messages.length - 1 && messages[start]!.role !== 'user') start++
  return { messages: messages.slice(start), dropped: start }
}

/** A `messages.N` in an error about the kept messages, as the index in what the client posted. */
export function postedIndex(text: string, dropped: number): string {
  return dropped === 0 ? text : text.replace(/\bmessages\.(\d+)\b/g, (_, index: string) => `messages.${Number(index) + dropped}`)
}
