/**
 * Parallel node: runs its branches at the same time (each branch's nodes in order) and joins when
 * all have finished. When one branch fails, the others are cancelled (their nodes end `skipped`)
 * and the node fails with the first branch's error. The output maps each branch's last node id to
 * that node's output; every branch node's own output is in the state too.
 */
import type { ParallelNode } from '../define'
import type { NodeExecutor } from '../node-executor'

/** Runs a parallel node. */
export const runParallelNode: NodeExecutor<ParallelNode> = async ({ node, context, runChild, resumeAfter }) => {
  const group = new AbortController()
  const signal = AbortSignal.any([context.signal, group.signal])
  const sequences = node.branches.map(branch => (Array.isArray(branch) ? branch : [branch]))

  // The first failure cancels the siblings; their own rejections are only the echo of it.
  const cancelOthers = (error: unknown) => {
    if (!group.signal.aborted) group.abort(error)
  }

  const runSequence = async (sequence: string[]): Promise<[string, unknown]> => {
    let output: unknown = null
    // What the earlier log recorded after this node's latest start is this round's, in any order.
    const cursor = { after: resumeAfter, sameRound: true }
    for (const nodeId of sequence) {
      // A sibling failed while this branch's last node was finishing: no next node starts.
      signal.throwIfAborted()
      // Cancelled at the failure itself, not once it has reached this function: a sibling going
      // on meanwhile would start its next node.
      output = await runChild(nodeId, signal, { holdText: true, cursor, onFailed: cancelOthers })
    }
    return [sequence.at(-1)!, output]
  }

  const results = await Promise.allSettled(sequences.map(sequence =>
    runSequence(sequence).catch((error: unknown) => {
      cancelOthers(error)
      throw error
    }),
  ))
  if (group.signal.aborted) throw group.signal.reason
  const failed = results.find(result => result.status === 'rejected')
  if (failed) throw failed.reason
  return Object.fromEntries(results.map(result => (result as PromiseFulfilledResult<[string, unknown]>).value))
}
