/**
 * Where a loop went round in the earlier log of a workflow job: what tells a finished node's record
 * of this round from one a round behind when a deploy reordered the loop's body (resume.ts `take`).
 *
 * The log keeps only the order nodes started in (`executionOrder`, one entry per visit), and a loop's
 * rounds repeat it: from the order alone, "charge, check, ship, charge, check, ship" reads the same
 * for a round that starts at charge and one that starts at ship. What anchors it is the first round:
 * the walk starts at the workflow's start and meets each node of a loop's body for the first time in
 * the body's order. So a step to a node first started no later than the node before it (its loop's
 * head, or a node behind it on the walk) is where a loop went round; a step to a node first started
 * after the one before it is a step ahead. A branch node (an if/else) inside a loop's body is not a
 * loop going round, and a loop that goes round through a plain edge (charge → ship, after a branch
 * chose charge) is.
 *
 * What it cannot tell, and reads as a loop going round: the nodes of a parallel node's branches,
 * which start side by side in whichever order they come to (left out when both nodes of the step are
 * branches of a parallel node here); a node first started on another path before its loop (a step
 * back to it reads as the loop going round); a log an earlier deploy changed the body of already.
 */

/**
 * `turnsBefore[i]`: how many times a loop went round before position `i` of `order` (steps into
 * positions 1 … i - 1 counted), so the steps in (a, b] are `turnsBefore[b + 1] - turnsBefore[a + 1]`.
 * `inParallel`: a node that is a branch of a parallel node in the workflow as registered here.
 */
export function loopTurnsBefore(order: readonly string[], inParallel: (nodeId: string) => boolean): number[] {
  const first = new Map<string, number>()
  order.forEach((nodeId, index) => {
    if (!first.has(nodeId)) first.set(nodeId, index)
  })
  const turnsBefore: number[] = [0, 0]
  for (let index = 1; index < order.length; index++) {
    const [from, to] = [order[index - 1]!, order[index]!]
    const sideBySide = inParallel(from) && inParallel(to)
    const turned = !sideBySide && first.get(to)! <= first.get(from)!
    turnsBefore.push(turnsBefore[index]! + (turned ? 1 : 0))
  }
  return turnsBefore
}
