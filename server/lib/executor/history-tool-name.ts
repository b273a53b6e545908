/**
 * The name of a tool call as the loop writes it back into the conversation (the assistant's
 * `tool_calls` and the tool message). Endpoints check those names against the same pattern as
 * the tools they are offered (OpenAI: `Invalid 'messages[2].tool_calls[0].function.name': string
 * does not match pattern`, an HTTP 400), so a name the model made up — `functions.get_weather`,
 * `get weather`, a name past 64 characters — would fail the *next* round and end the job, instead
 * of letting the model read that the tool does not exist and call the right one. Such a name is
 * sent with every other character replaced by `_` and cut to 64; the tool message and the job's
 * events keep the name as the model sent it.
 */
import { TOOL_NAME_PATTERN } from '../tools/registry'

/** The longest name endpoints take. */
const MAX_NAME_CHARS = 64

/** `name` when endpoints take it, else a name in their pattern. */
export function historyToolName(name: string): string {
  if (TOOL_NAME_PATTERN.test(name)) return name
  return name.replace(/[^\w-]+/g, '_').slice(0, MAX_NAME_CHARS) || 'unnamed_tool'
}
