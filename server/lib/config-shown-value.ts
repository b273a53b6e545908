/**
 * How a boot error shows a value an operator wrote. The error goes to the process's output as
 * thrown, past the logger's redaction, and a secret may have been put in the wrong variable (the
 * API key in the base URL's, the Convex secret in the Convex URL's): a short word is quoted — a
 * typo like `"flase"`, `"10m"` or `"mongo"` is what helps — a longer text only by its length.
 */

/** Texts at least this long are never quoted (the shortest metrics token not warned about). */
export const MIN_HIDDEN_CHARS = 16

/** What a value is, without showing it. */
export function valueKind(value: unknown): string {
  if (Array.isArray(value)) return `a list of ${value.length}`
  if (value !== null && typeof value === 'object') return 'a JSON object'
  if (typeof value === 'string') return `a text of ${value.length} characters`
  return String(value)
}

/**
 * The value as a boot error shows it: quoted when it is a short text, else what it is. A list or a
 * JSON object (a secret manager's whole JSON secret injected into the wrong variable) is never
 * shown: its texts may be secrets.
 */
export function shownValue(value: unknown): string {
  if (typeof value === 'string') return value.length < MIN_HIDDEN_CHARS ? JSON.stringify(value) : valueKind(value)
  if (value !== null && typeof value === 'object') return valueKind(value)
  return typeof value === 'number' ? String(value) : JSON.stringify(value) ?? String(value)
}
