/** Redis URLs as messages and logs may show them. */

/**
 * A URL with its password replaced, for messages and logs: everything from the first `:` after
 * `//` to the last `@` (a password may hold `@` or `/` itself; hiding too much is harmless). User
 * info without a `:` is hidden whole: `redis://secret@host` is a password written in the user's
 * place as often as it is a user name.
 */
export function redactUrl(url: string): string {
  const start = url.indexOf('//')
  const at = url.lastIndexOf('@')
  if (start === -1 || at < start) return url
  const colon = url.indexOf(':', start + 2)
  if (colon === -1 || colon > at) return `${url.slice(0, start + 2)}***${url.slice(at)}`
  return `${url.slice(0, colon + 1)}***${url.slice(at)}`
}
