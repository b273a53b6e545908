/**
 * The state an author's function (`choose`, a `prompt`, `args` or `value` given as a function) is
 * called with: its own copy. The live state holds the very objects the `node-end` events record
 * (and the memory store keeps), so a function that changed an earlier output in place (`sort()` on
 * a list, a field set) rewrote that node's recorded output in the log and in every later snapshot,
 * and the nodes after it read the changed value live while a run resumed from the stored log read
 * the recorded one. Copied on first read: a function that reads no output copies none.
 */
import type { WorkflowState } from './define'

/** A copy of `state` for one call of an author's function. */
export function authorState<Input>(state: WorkflowState<Input>): WorkflowState<Input> {
  let input: { value: Input } | undefined
  let outputs: Record<string, unknown> | undefined
  let visits: Record<string, number> | undefined
  return {
    get input() {
      return (input ??= { value: structuredClone(state.input) }).value
    },
    get outputs() {
      return (outputs ??= structuredClone(state.outputs))
    },
    get visits() {
      return (visits ??= { ...state.visits })
    },
  }
}
