/**
 * Where each tool call id is in a state's `toolCalls`, so an event naming a call (its result, its
 * approval) and a runner choosing a free id find it without walking every call of a long run.
 * The reducer carries a list's index to the list it makes from it, so the newest state's lookups
 * cost O(1); an earlier state's list, if ever asked, indexes itself again.
 */
import type { ToolCallState } from './reducer'

const indexes = new WeakMap<readonly ToolCallState[], Map<string, number>>()

/** The position of each call id in `calls` (the latest call, should an id repeat). */
export function toolCallIndex(calls: readonly ToolCallState[]): ReadonlyMap<string, number> {
  let index = indexes.get(calls)
  if (!index) {
    index = new Map()
    for (let position = 0; position < calls.length; position++) index.set(calls[position]!.id, position)
    indexes.set(calls, index)
  }
  return index
}

/**
 * The position of call `id` in `calls`, or undefined. An index a list changed outside the reducer
 * left wrong (a caller's own push or sort) is built again rather than trusted.
 */
export function toolCallPosition(calls: readonly ToolCallState[], id: string): number | undefined {
  const position = toolCallIndex(calls).get(id)
  if (position === undefined ? calls.length === indexes.get(calls)!.size : calls[position]?.id === id) return position
  indexes.delete(calls)
  return toolCallIndex(calls).get(id)
}

/** Moves the index of `from` to `to`: the same calls, with `added` appended at its end when given. */
export function carryToolCallIndex(from: readonly ToolCallState[], to: readonly ToolCallState[], added?: ToolCallState): void {
  const index = indexes.get(from)
  if (!index) return
  indexes.delete(from)
  if (added) index.set(added.id, to.length - 1)
  indexes.set(to, index)
}
