/**
 * Tool names in a message a user reads about what stopped a job (its time limit, the tool loop's
 * time budget): each quoted, at most `MAX_NAMED_TOOLS` then a count, never their arguments.
 */

/** The most tool names a message lists; past them, a count. */
export const MAX_NAMED_TOOLS = 5

/**
 * `tool "a"`, `tools "a" and "b"`, `tools "a", …, "e" and 2 more` ('' for none). The caller says
 * was/were by `names.length` and passes each name once.
 */
export function toolNameList(names: readonly string[]): string {
  if (names.length === 0) return ''
  const quoted = names.slice(0, MAX_NAMED_TOOLS).map(name => JSON.stringify(name))
  if (names.length > MAX_NAMED_TOOLS) quoted.push(`${names.length - MAX_NAMED_TOOLS} more`)
  const list = quoted.length === 1 ? quoted[0]! : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`
  return names.length === 1 ? `tool ${list}` : `tools ${list}`
}
