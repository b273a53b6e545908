/**
 * The workflow nodes of a job's state that still run or wait: which one is current when another
 * ends, and how the job's end cuts them off. A node map knows how many of its nodes are live
 * (counted once, then carried to each map made from it), so a node's end in a long run does not
 * walk the whole execution order to find that none is.
 */
import { setOwn } from './own-key'
import type { NodeState } from './reducer'
import type { Owned } from './state-writes'
import { withKey } from './state-writes'

/**
 * The node started last that is still running or waiting, one an owner left behind (isLeftBehind)
 * left out, or null (no walk through a long run's order when none is).
 */
export function latestLiveNode(order: readonly string[], nodes: Record<string, NodeState>): string | null {
  if (liveNodeCount(nodes) === 0) return null
  for (let index = order.length - 1; index >= 0; index--) {
    const node = nodes[order[index]!]
    if (node && isLiveNode(node) && !isLeftBehind(node, nodes)) return node.nodeId
  }
  return null
}

/**
 * True for a node that reads running or waiting but that no owner runs: one an owner taking the job
 * over left behind. Either a live parallel node whose visit started before it ran again after it
 * (the new owner's run of the parallel node has other branches: a deploy changed them), or a node
 * that started after it has ended and no live parallel node holds it (the walk went past it). Read
 * from the starts' seqs: a state reduced before the reducer kept them tells nothing (false).
 */
export function isLeftBehind(node: NodeState, nodes: Record<string, NodeState>): boolean {
  const { startSeq, visitSeq } = node
  if (!isLiveNode(node) || startSeq === undefined || visitSeq === undefined) return false
  let gonePast = false
  // A parallel node waits for its branches: one that ended after it started does not pass it.
  let held = node.kind === 'parallel'
  for (const other of Object.values(nodes)) {
    if (other === node || other.startSeq === undefined) continue
    if (!isLiveNode(other)) {
      if (other.startSeq > startSeq) gonePast = true
      continue
    }
    if (other.kind !== 'parallel' || other.visitSeq === undefined || other.visitSeq > visitSeq) continue
    if (other.startSeq > startSeq) return true
    held = true
  }
  return gonePast && !held
}

export function isLiveNode(node: NodeState): boolean {
  return node.status === 'running' || node.status === 'waiting'
}

/** How many nodes of a node map run or wait, by map: counted once, then carried to each map made from it. */
const liveCounts = new WeakMap<object, number>()

export function liveNodeCount(nodes: Record<string, NodeState>): number {
  let count = liveCounts.get(nodes)
  if (count === undefined) {
    count = Object.values(nodes).filter(isLiveNode).length
    liveCounts.set(nodes, count)
  }
  return count
}

/** `nodes` with `node` as node `nodeId` (in place when owned), its count of live nodes kept. */
export function withNode(nodes: Record<string, NodeState>, nodeId: string, node: NodeState, owned: Owned): Record<string, NodeState> {
  const before = liveNodeCount(nodes)
  const previous = Object.hasOwn(nodes, nodeId) ? nodes[nodeId] : undefined
  const target = withKey(nodes, nodeId, node, owned)
  liveCounts.set(target, before - (previous && isLiveNode(previous) ? 1 : 0) + (isLiveNode(node) ? 1 : 0))
  return target
}

/** The nodes, with the live ones ended `status` by the job's end (their error says how it ended). */
export function cutOffNodes(nodes: Record<string, NodeState>, status: 'failed' | 'stopped', ended: string, at: number): Record<string, NodeState> {
  const cut: Record<string, NodeState> = {}
  for (const [nodeId, node] of Object.entries(nodes)) setOwn(cut, nodeId, isLiveNode(node) ? { ...node, status, error: node.error ?? ended, endedAt: at } : node)
  return cut
}

