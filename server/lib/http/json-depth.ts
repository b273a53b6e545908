/**
 * How deeply a JSON text nests arrays and objects, counted without recursion. A request body is
 * refused past `MAX_JSON_DEPTH`: a value nested some thousands deep parses (V8's `JSON.parse` does
 * not recurse), but everything after it that walks the value does — the Unicode check, zod,
 * `JSON.stringify` when an answer or a workflow input is stored, `structuredClone` — and would
 * throw `Maximum call stack size exceeded` there: a 500, or a job that cannot write its event.
 */

/** The deepest nesting a request body may have (a chat body needs 4; workflow inputs and answers get room). */
export const MAX_JSON_DEPTH = 64

const QUOTE = 34 // "
const BACKSLASH = 92 // \
const OPEN_BRACKET = 91 // [
const CLOSE_BRACKET = 93 // ]
const OPEN_BRACE = 123 // {
const CLOSE_BRACE = 125 // }

/** True when `json` (text that parsed as JSON) nests arrays and objects deeper than `maxDepth`. */
export function nestsDeeperThan(json: string, maxDepth: number): boolean {
  let depth = 0
  let inString = false
  for (let index = 0; index < json.length; index++) {
    const code = json.charCodeAt(index)
    if (inString) {
      if (code === BACKSLASH) index++ // the escaped character, whatever it is
      else if (code === QUOTE) inString = false
      continue
    }
    if (code === QUOTE) inString = true
    else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      if (++depth > maxDepth) return true
    }
    else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) depth--
  }
  return false
}
