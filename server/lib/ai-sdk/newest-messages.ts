/**
 * The AI SDK posts the whole chat every turn, so a chat past `limits.maxMessages` would be refused
 * for good from then on (a `400` on every turn). Its oldest messages give way instead: the newest
 * that fit, starting at a user message (a turn is not cut in half), as the demo's own chat sends
 * the newest whole turns (demo/app/lib/history-window.ts). The model no longer sees what was cut.
 */
import { jsonByteLength } from '../bytes'

/**
 * The newest messages that fit `max` — and `maxBytes` of JSON (UTF-8), when given — starting at a
 * user message, and how many were left out before them. The bytes matter on a store that keeps a
 * job's request in one document (`provider.maxRequestBytes`; convex: 1,000,000): a chat's text
 * under `limits.maxChatBodyBytes` (4 MiB), or a history the server rebuilt (server-history.ts),
 * can pass it, and every turn of such a chat was refused (413, "send less") from then on.
 */
export function newestMessages<Message extends { role: string }>(messages: Message[], max: number, maxBytes = Number.POSITIVE_INFINITY): { messages: Message[], dropped: number } {
  const sizes = messages.map(message => jsonByteLength(message) + 1)
  let start = Math.max(0, messages.length - max)
  let bytes = 1 + sizes.slice(start).reduce((sum, size) => sum + size, 0)
  if (start === 0 && bytes <= maxBytes) return { messages, dropped: 0 }
  const drop = () => {
    bytes -= sizes[start]!
    start++
  }
  do {
    // Begin at a turn's user message; the last message (the one answered) is kept whatever it is.
    while (start < messages.length - 1 && messages[start]!.role !== 'user') drop()
    if (bytes <= maxBytes || start >= messages.length - 1) break
    drop()
  } while (start < messages.length - 1)
  return { messages: messages.slice(start), dropped: start }
}

/** A `messages.N` in an error about the kept messages, as the index in what the client posted. */
export function postedIndex(text: string, dropped: number): string {
  return dropped === 0 ? text : text.replace(/\bmessages\.(\d+)\b/g, (_, index: string) => `messages.${Number(index) + dropped}`)
}
