/**
 * The name of a tool call as the model client passes it on (decision 52). The name is the model's,
 * or a proxy's in front of it: the stream parser bounds a line only at 16 MiB, and whatever it
 * yields is stored in the job's `tool-call` event — every snapshot, replay and viewer — and put on
 * the call's span and the AI SDK's tool part (`tool-<name>`). No tool can be called by a name past
 * `MAX_TOOL_CALL_NAME_BYTES`, so such a name is cut there: the call ends as the unknown-tool error
 * it got before, which lists the tools the model may call. A name within the bound is untouched.
 */
import { truncateUtf8, utf8ByteLength } from '../bytes'

/**
 * The longest tool call name passed on, in UTF-8 bytes (sizes are bytes: lib/bytes.ts): the
 * longest a tool's name can be (`TOOL_NAME_PATTERN`, registry.ts: 64 ASCII letters, digits, `_`
 * or `-`, one byte each; OpenAI's limit for a function's name too).
 */
export const MAX_TOOL_CALL_NAME_BYTES = 64

/** Ends a cut name. Not a character a tool's name may hold: a cut name never names a tool. */
export const CUT_TOOL_CALL_NAME_MARK = '…'

/**
 * `name` when it fits in `MAX_TOOL_CALL_NAME_BYTES`, else its longest prefix that fits (whole
 * characters) and `CUT_TOOL_CALL_NAME_MARK`: at most 67 bytes.
 */
export function boundedCallName(name: string): string {
  if (utf8ByteLength(name) <= MAX_TOOL_CALL_NAME_BYTES) return name
  return truncateUtf8(name, MAX_TOOL_CALL_NAME_BYTES) + CUT_TOOL_CALL_NAME_MARK
}
