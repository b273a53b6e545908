/**
 * Tool names in a message a user reads (what stopped a job, why a call failed): each quoted and
 * bounded, at most `MAX_NAMED_TOOLS` then a count, never their arguments. A name can come from the
 * model, not only from a registered tool (which `TOOL_NAME_PATTERN` keeps to 64 word characters):
 * a model or a proxy in front of it may send 100 KB, newlines or NUL as a tool's name, and the
 * message goes into the job's error, the server's log and the user's page.
 */
import { cutIndex } from '../../shared/cut-text'

/** The most tool names a message lists; past them, a count. */
export const MAX_NAMED_TOOLS = 5

/**
 * The longest tool name a message shows (UTF-16 code units, as a JavaScript string counts): a
 * registered name fits whole (at most 64); a longer one is cut there and ends with `…`.
 */
export const MAX_SHOWN_TOOL_NAME_CHARS = 100

// What JSON.stringify leaves as it is but a reader should not get raw: DEL and the C1 controls,
// the line and paragraph separators, and the bidirectional overrides and isolates (text that
// reads in another order than it is stored).
const UNSHOWN_CHARACTERS = /[\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g

/** `name` cut to `MAX_SHOWN_TOOL_NAME_CHARS` at a character boundary, with `…` when it was longer (a job error's `toolName`). */
export function boundedToolName(name: string): string {
  const kept = cutIndex(name, MAX_SHOWN_TOOL_NAME_CHARS)
  return kept < name.length ? `${name.slice(0, kept)}…` : name
}

/**
 * `name` as a message shows it: quoted as a JSON string (a quote, a backslash and the control
 * characters `\n`, `\u0000` … escaped; the other characters above too), cut as `boundedToolName`.
 * `"get_weather"` for a registered name.
 */
export function shownToolName(name: string): string {
  return JSON.stringify(boundedToolName(name)).replace(UNSHOWN_CHARACTERS, character => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/**
 * `tool "a"`, `tools "a" and "b"`, `tools "a", …, "e" and 2 more` ('' for none). The caller says
 * was/were by `names.length` and passes each name once.
 */
export function toolNameList(names: readonly string[]): string {
  if (names.length === 0) return ''
  const quoted = names.slice(0, MAX_NAMED_TOOLS).map(shownToolName)
  if (names.length > MAX_NAMED_TOOLS) quoted.push(`${names.length - MAX_NAMED_TOOLS} more`)
  const list = quoted.length === 1 ? quoted[0]! : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`
  return names.length === 1 ? `tool ${list}` : `tools ${list}`
}
