/**
 * What a tool approval shows of a call's arguments: the value `execute` will get — the tool's
 * schema applied, so its defaults and transforms are there (a `recursive` flag that defaults to
 * true) — as plain JSON data, so the human approves what will run, not what the model typed.
 * A parsed value JSON cannot hold (a BigInt, a Map from a transform) is shown as the model sent
 * it. Either way it is bounded: a transform may make a value of any size, and the request is an
 * event every viewer gets; over `APPROVAL_ARGS_MAX_BYTES`, a preview string stands in for it.
 */
import { toolResultJson } from './tool-result-json'
import { summarizeResult } from './truncate-results'

/** Most UTF-8 bytes of arguments an approval request carries whole (a page of text to review). */
export const APPROVAL_ARGS_MAX_BYTES = 65_536

/** JSON text of a value (as for a tool result: half a surrogate pair becomes `�`), or null when it has none. */
function jsonText(value: unknown): string | null {
  try {
    return toolResultJson('', value)
  }
  catch {
    return null
  }
}

/** The arguments an approval request carries: `parsed` as JSON data, else `raw`; bounded. */
export function approvalArguments(parsed: unknown, raw: unknown): unknown {
  const json = jsonText(parsed) ?? jsonText(raw)
  if (json === null) return raw
  return summarizeResult(JSON.parse(json) as unknown, json, APPROVAL_ARGS_MAX_BYTES)
}
