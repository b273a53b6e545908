/**
 * Branch node: its `choose(state)` names the next node, which must be one of its edge targets.
 * The output is the chosen node id, so a resumed job follows the same path without asking again.
 */
import type { BranchNode } from '../define'
import type { NodeExecutor } from '../node-executor'
import { refusePromise } from '../resolve-inputs'

/** Runs a branch node. */
export const runBranchNode: NodeExecutor<BranchNode> = async ({ nodeId, node, state, graph, authorCode }) => {
  const targets = graph.successors.get(nodeId) ?? []
  const chosen = refusePromise(authorCode(() => node.choose(state)), 'choose(state)')
  if (typeof chosen !== 'string' || !targets.includes(chosen)) {
    throw new Error(`branch chose ${JSON.stringify(chosen)}, which is not one of its edge targets (${targets.join(', ')})`)
  }
  return chosen
}
