/**
 * How much of a round's tool calls the stream parser holds. A call is joined from fragments
 * (tool-call-join.ts) and held until the round's finish: an endpoint, or a proxy in front of it,
 * that streamed a call's arguments forever — or call after call — grew them until the process
 * died (the 16 MiB bound of a line, sse-data.ts, holds for each fragment, not for their sum).
 * Passing a bound fails the round with an `UpstreamProtocolError` naming the call and the limit;
 * the text before it is kept, as for a line too long. A call within both is held as it came.
 */
import { UpstreamProtocolError } from './errors'
import { boundedCallName } from './tool-call-name'

/**
 * The most a round's tool calls may hold together, in UTF-8 bytes (sizes are bytes: lib/bytes.ts)
 * of their upstream ids, names and arguments: 4 MiB, what one stored event holds on Redis and
 * Convex (`maxBatchBytes`). A call past it could not be stored whole — its `tool-call` event
 * would be stored with the arguments replaced by a notice (event-size.ts), a record of a call
 * that lost them — and a round's calls past it together are more than a million tokens of
 * output, more than any model writes in a round.
 */
export const MAX_ROUND_TOOL_CALL_BYTES = 4 * 1024 * 1024

/**
 * The most tool calls one round may hold. Each is run and answered in the next request; no model
 * makes this many at once, and every fragment looks its call up among them.
 */
export const MAX_ROUND_TOOL_CALLS = 1024

/** `call "name" (index i)` for an error: the name as the parser would yield it (tool-call-name.ts), quoted. */
function namedCall(name: string, index: number): string {
  return `tool call${name ? ` ${JSON.stringify(boundedCallName(name))}` : ''} (index ${index})`
}

/** The round's calls would pass `MAX_ROUND_TOOL_CALL_BYTES` with this call's fragment. */
export function callsTooLarge(name: string, index: number): UpstreamProtocolError {
  const limit = MAX_ROUND_TOOL_CALL_BYTES
  return new UpstreamProtocolError(`The model stream sent ${namedCall(name, index)} past ${limit} bytes: a round's tool calls (their ids, names and arguments together) may hold at most ${limit} bytes of UTF-8, what one stored event holds`)
}

/** A call past `MAX_ROUND_TOOL_CALLS` began. */
export function tooManyCalls(name: string, index: number): UpstreamProtocolError {
  const limit = MAX_ROUND_TOOL_CALLS
  return new UpstreamProtocolError(`The model stream sent ${namedCall(name, index)} past ${limit} calls: a round may hold at most ${limit} tool calls`)
}
