/**
 * A tool's return value as the model will read it: JSON. The same rule applies in the server
 * process and inside an isolation worker, so a result (or a result that cannot be sent) looks
 * the same either way.
 */
import { truncateUtf8, utf8ByteLength } from '../bytes'
import { jsonProblem } from '../json-problem'
import { ToolResultNotSerializableError } from './tool-errors'

/** A tool result as plain data plus its JSON text. */
export interface ToolResultJson {
  /** Plain data: no class instances, Dates as strings (what the model sees). */
  result: unknown
  json: string
  /**
   * Set when `json` holds only the first bytes of the result's JSON (a result too large for
   * anything to use whole, cut in its isolation worker or as `execute` returned it): its whole size
   * in UTF-8 bytes. `result` is then null, not the tool's.
   */
  cutBytes?: number
}

/**
 * A tool's return value as JSON text (`undefined` becomes `null`). Throws
 * `ToolResultNotSerializableError` for a BigInt, a cycle, a Map, a Set, a Promise or an Error
 * (anywhere in the value), a value nested too deep, a getter or toJSON that throws, a function or
 * a symbol.
 */
export function toolResultJson(toolName: string, value: unknown): string {
  let json: string | undefined
  try {
    // Reading the value runs its getters, Proxy traps and toJSON methods: a throw there is also
    // a result that cannot be sent, not a failure of the tool's work.
    const problem = jsonProblem(value)
    if (problem) throw new ToolResultNotSerializableError(toolName, new Error(problem))
    json = JSON.stringify(value === undefined ? null : value)
  }
  catch (error) {
    if (error instanceof ToolResultNotSerializableError) throw error
    throw new ToolResultNotSerializableError(toolName, error)
  }
  // A function or symbol serializes to nothing at all.
  if (json === undefined) throw new ToolResultNotSerializableError(toolName, new Error(`a ${typeof value} has no JSON form`))
  return json.replace(LONE_SURROGATE_ESCAPE, '$1\\ufffd')
}

/**
 * A lone surrogate as `JSON.stringify` writes it (a lowercase `\udxxx` escape; a whole pair is
 * written as is), not itself escaped (`\\udxxx` is the text `\udxxx`). A tool result holding one
 * (app code that cut text with `slice` through an emoji) is kept with `�` in its place, as a store
 * that writes UTF-8 keeps it: held as it was, it reached AI SDK clients in the tool part's output,
 * and the SDK posts every part back with each later turn, which the chat route refuses (a lone
 * surrogate in a request is a 400), so the chat could not go on.
 */
const LONE_SURROGATE_ESCAPE = /(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g

/**
 * A surrogate escape in JSON text written by anyone (a model): a high one with the low one after it
 * (a whole pair, kept), or either half alone; in either case, not itself escaped.
 */
const SURROGATE_ESCAPES = /(?<!\\)((?:\\\\)*)(\\u[dD][89abAB][0-9a-fA-F]{2}(?:\\u[dD][c-fC-F][0-9a-fA-F]{2})?|\\u[dD][c-fC-F][0-9a-fA-F]{2})/g

/**
 * JSON text (or any text) with no lone surrogate, neither as a code unit nor as an escape: `\ufffd`
 * in its place, as for a result. Tool arguments go through it (parse-tool-args.ts): they reach AI SDK
 * clients as the tool part's input, which the SDK posts back with each later turn.
 */
export function wellFormedJsonText(text: string): string {
  return text
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(SURROGATE_ESCAPES, (whole: string, backslashes: string, escape: string) => escape.length === 12 ? whole : `${backslashes}\\ufffd`)
}

/** Half of a surrogate pair on its own, as a code unit (`String.prototype.toWellFormed`, ES2024). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/** The plain data of a result's JSON text. */
export function toolResultFromJson(json: string): ToolResultJson {
  return { result: JSON.parse(json) as unknown, json }
}

/**
 * A result's JSON as far as anything reads it: whole within `maxBytes` UTF-8 bytes, else only its
 * first `maxBytes` and its whole size (`bytes`) — the rest is neither parsed nor written again (a
 * result of tens of MB held the server's thread for seconds). `maxBytes`: `maxIsolatedResultBytes`.
 */
export function cutResultJson(json: string, maxBytes: number | undefined): { json: string, bytes?: number } {
  if (maxBytes === undefined || json.length <= maxBytes / 3) return { json }
  const bytes = utf8ByteLength(json)
  return bytes <= maxBytes ? { json } : { json: truncateUtf8(json, maxBytes), bytes }
}

/** A result's plain data, or only the first bytes of its JSON when it is over `maxBytes` (`cutResultJson`). */
export function boundedToolResult(json: string, maxBytes: number): ToolResultJson {
  const cut = cutResultJson(json, maxBytes)
  return cut.bytes === undefined ? toolResultFromJson(json) : { result: null, json: cut.json, cutBytes: cut.bytes }
}
