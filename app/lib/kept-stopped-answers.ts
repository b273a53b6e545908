/**
 * A Stop's answer as the server kept it. `stop()` closes the response first, then the abort route
 * stops the job: what the job wrote during that round trip never reached the page, which showed a
 * few words less than the server keeps (and a reload shows) — and sent the shorter text as the
 * next turn's history. Once the abort has answered (the aborted end is stored by then), the page
 * reads the chat's messages and takes the stopped answers from there.
 */

/**
 * An AI SDK `UIMessage` as the layer's Stop helper reads it (structural: the layer does not depend
 * on `ai`; the SDK's messages are such messages).
 */
export interface ChatStopMessage {
  id: string
  role: string
  parts: readonly unknown[]
  metadata?: unknown
}

/**
 * `messages` with each answer named in `ids` as `server` (the messages route) has it; one the page
 * never got (stopped before its first chunk arrived) is added after its user message, when that is
 * the page's last message. Everything else stays as the page holds it.
 */
export function withKeptAnswers<M extends ChatStopMessage>(messages: M[], server: readonly M[], ids: ReadonlySet<string>): M[] {
  const kept = new Map(server.filter(message => message.role === 'assistant' && ids.has(message.id)).map(message => [message.id, message]))
  if (kept.size === 0) return messages
  const patched = messages.map(message => (message.role === 'assistant' ? kept.get(message.id) : undefined) ?? message)
  const last = patched.at(-1)
  if (last?.role !== 'user') return patched
  const at = server.findIndex(message => message.role === 'user' && message.id === last.id)
  // Not in the server's list (a read window that starts after it): nothing to add.
  const after = at < 0 ? undefined : server[at + 1]
  const missing = after && last.id && kept.has(after.id) && !patched.some(message => message.id === after.id)
  return missing ? [...patched, after] : patched
}
