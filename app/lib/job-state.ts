/**
 * Pure helpers around the shared reducer for the client: which state wins when a snapshot arrives,
 * and the views the demo renders (workflow nodes in order).
 */
import { applyEvent } from '../../shared/reducer'
import type { JobEvent } from '../../shared/events'
import type { JobState, NodeState } from '../../shared/reducer'

/**
 * The state to keep when a snapshot arrives. A snapshot replaces the state (it may repair a gap),
 * unless it is older than what is already applied — e.g. a slow `GET` answering after the stream.
 * A snapshot from a later lease epoch always wins: another server took the job over, and text the
 * lost one streamed without storing it is replaced, even where that leaves fewer seqs.
 */
export function adoptSnapshot(current: JobState | null, snapshot: JobState): JobState {
  if (!current || current.id !== snapshot.id) return snapshot
  const [snapshotEpoch, currentEpoch] = [snapshot.epoch ?? 1, current.epoch ?? 1]
  if (snapshotEpoch !== currentEpoch) return snapshotEpoch > currentEpoch ? snapshot : current
  return snapshot.seq >= current.seq ? snapshot : current
}

/**
 * Applies a live event. Before any snapshot there is nothing to apply it to, so it is dropped:
 * the stream always starts with a snapshot or with a replay after a seq the caller already has.
 */
export function applyLiveEvent(current: JobState | null, event: JobEvent): JobState | null {
  if (!current) return null
  return applyEvent(current, event)
}

/** The list `orderedNodes` made for a node map, and the execution order it made it from. */
const orderedByNodes = new WeakMap<object, { order: readonly string[], length: number, nodes: NodeState[] }>()

/**
 * Workflow nodes in the order they started (a node that ran twice is listed once, last state). An
 * event that changes neither the nodes nor their order (a text delta) gets the same list back,
 * without a walk through a long run's execution order.
 */
export function orderedNodes(state: JobState | null): NodeState[] {
  if (!state) return []
  const made = orderedByNodes.get(state.nodeStates)
  if (made && made.order === state.executionOrder && made.length === state.executionOrder.length) return made.nodes
  const seen = new Set<string>()
  const nodes: NodeState[] = []
  for (const nodeId of state.executionOrder) {
    if (seen.has(nodeId)) continue
    seen.add(nodeId)
    const node = state.nodeStates[nodeId]
    if (node) nodes.push(node)
  }
  orderedByNodes.set(state.nodeStates, { order: state.executionOrder, length: state.executionOrder.length, nodes })
  return nodes
}

/**
 * `previous` when `next` holds the same node objects in the same order, else `next`. A text delta
 * leaves the nodes as they were, but `orderedNodes` builds a new list each time: without this,
 * whatever renders the nodes would render again on every delta of a long answer.
 */
export function keepSameNodes(previous: NodeState[] | undefined, next: NodeState[]): NodeState[] {
  if (!previous || previous === next || previous.length !== next.length) return next
  return previous.every((node, index) => node === next[index]) ? previous : next
}
