/**
 * A node's output as the log keeps it: JSON (a Date becomes its text). The live run uses this
 * same value, so a later node reads what a run resumed from the log reads. A value JSON cannot
 * keep (a BigInt, a Map or Set, a cycle, a function) fails the node, naming it and where it is.
 */
import { jsonProblem } from '../json-problem'

/** The output as recorded; throws naming the problem for a value JSON cannot keep. */
export function asRecordedOutput(output: unknown): unknown {
  if (output === undefined) return undefined
  const problem = typeof output === 'function' || typeof output === 'symbol' ? `a ${typeof output} has no JSON form` : jsonProblem(output, 'output')
  if (problem) throw new Error(`its output is not JSON-serialisable: ${problem}`)
  return JSON.parse(JSON.stringify(output)) as unknown
}
