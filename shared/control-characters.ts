/**
 * Control characters (C0, DEL, C1 — NUL, a newline, a tab, an escape) in text the API stores as a
 * name: a thread or message id, a user id, a thread's title. The server refuses them with this
 * message; a client checks a title the same way before sending it (thread-title.ts).
 */
const CONTROL_CHARACTER = /\p{Cc}/u

/** The message of a 400 for a value holding a control character, or null when it holds none. */
export function controlCharacterProblem(value: string): string | null {
  const found = CONTROL_CHARACTER.exec(value)
  if (!found) return null
  const code = found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')
  return `must not contain control characters (found U+${code} at index ${found.index})`
}
