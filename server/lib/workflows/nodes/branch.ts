/**
 * Branch node: its `choose(state)` names the next node, which must be one of its edge targets.
 * The output is the chosen node id, so a resumed job follows the same path without asking again.
 */
import type { BranchNode } from '../define'
import type { NodeExecutor } from '../node-executor'
import { refusePromise } from '../resolve-inputs'
import { authorState } from '../author-state'

/**
 * How a choice reads in the error: as JSON, or for a value JSON has no form for (a BigInt or a
 * cycle, which make JSON.stringify throw; a Symbol) as itself with its type, never JSON's own error.
 */
function describeChoice(chosen: unknown): string {
  if (typeof chosen === 'bigint') return `${chosen}n (a bigint)`
  if (typeof chosen === 'symbol') return `${String(chosen)} (a symbol)`
  try {
    return JSON.stringify(chosen) ?? String(chosen)
  }
  catch {
    return Array.isArray(chosen) ? 'a list' : 'an object'
  }
}

/** Runs a branch node. */
export const runBranchNode: NodeExecutor<BranchNode> = async ({ nodeId, node, state, graph, authorCode }) => {
  const targets = graph.successors.get(nodeId) ?? []
  const chosen = refusePromise(authorCode(() => node.choose(authorState(state))), 'choose(state)')
  if (typeof chosen !== 'string' || !targets.includes(chosen)) {
    throw new Error(`branch chose ${describeChoice(chosen)}, which is not one of its edge targets (${targets.join(', ')})`)
  }
  return chosen
}
