/**
 * The arguments of a tool call as the loop writes them back into the conversation. Endpoints
 * parse an assistant message's `function.arguments` (some map them to a provider's object input),
 * so text that is not a JSON object — '' for a tool without arguments, a call cut off by
 * `finish_reason: length`, malformed output — would fail the *next* round with an HTTP 400 and end
 * the job, instead of letting the model read the tool's error and correct the call. Such text is
 * sent as `{}`; the tool message says what was wrong with what the model sent.
 */
import { decodeArguments } from './parse-tool-args'

/** `raw` when it is a JSON object, else `'{}'`. */
export function historyArguments(raw: string): string {
  const decoded = decodeArguments(raw)
  const value = decoded.ok ? decoded.value : undefined
  return value && typeof value === 'object' && !Array.isArray(value) && raw.trim() ? raw : '{}'
}
