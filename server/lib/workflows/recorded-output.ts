/**
 * A node's output as the log keeps it: JSON (a Date becomes its text). The live run uses this
 * same value, so a later node reads what a run resumed from the log reads. A value JSON cannot
 * keep (a BigInt, a Map or Set, a cycle, a function) fails the node, naming it and where it is;
 * so does one too large for one stored event (the store would keep it shortened to a notice, and a
 * run resumed from the log would read the notice instead of the output).
 */
import { jsonProblem } from '../json-problem'
import { jsonByteLength } from '../bytes'

/**
 * The most UTF-8 bytes of JSON a node's `node-end` event may take, whatever the store: the shared
 * stores (Redis, Convex) hold 4 MiB in one event; the memory store keeps the same limit so a
 * workflow that runs in development also runs in production.
 */
export const MAX_NODE_END_BYTES = 4 * 1024 * 1024

/** Room left for the fields every stored event gets (`seq`, `at`, `epoch`). */
const ENVELOPE_BYTES = 128

/** The output as recorded; throws naming the problem for a value JSON cannot keep. */
export function asRecordedOutput(output: unknown): unknown {
  if (output === undefined) return undefined
  const problem = typeof output === 'function' || typeof output === 'symbol' ? `a ${typeof output} has no JSON form` : jsonProblem(output, 'output')
  if (problem) throw new Error(`its output is not JSON-serialisable: ${problem}`)
  return JSON.parse(JSON.stringify(output)) as unknown
}

/** A node's output is larger than one stored event may hold. */
export class NodeOutputTooLargeError extends Error {
  override readonly name = 'NodeOutputTooLargeError'
  readonly code = 'node-output-too-large'
}

/**
 * Throws `NodeOutputTooLargeError` when the `node-end` event that records `output` would not fit
 * in one stored event (`maxEventBytes`: the store's limit, absent for none; at most
 * `MAX_NODE_END_BYTES`).
 */
export function checkRecordedSize(nodeId: string, output: unknown, maxEventBytes = Number.POSITIVE_INFINITY): void {
  failWhenOver(jsonByteLength({ type: 'node-end', nodeId, status: 'completed', output }) + ENVELOPE_BYTES, maxEventBytes)
}

/** `checkRecordedSize` for an output known by the size of its JSON (an isolated tool's result cut in its worker). */
export function checkRecordedBytes(nodeId: string, outputBytes: number, maxEventBytes = Number.POSITIVE_INFINITY): void {
  failWhenOver(jsonByteLength({ type: 'node-end', nodeId, status: 'completed', output: null }) - 'null'.length + outputBytes + ENVELOPE_BYTES, maxEventBytes)
}

function failWhenOver(bytes: number, maxEventBytes: number): void {
  const maxBytes = Math.min(maxEventBytes, MAX_NODE_END_BYTES)
  if (bytes <= maxBytes) return
  throw new NodeOutputTooLargeError(`its output is ${bytes} bytes as JSON, more than the job's log keeps in one event (${maxBytes} bytes); return less — for big data, where it is stored`)
}
