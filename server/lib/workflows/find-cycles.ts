/**
 * Strongly connected components of a directed graph (Tarjan's algorithm). A component with more
 * than one node, or one node with an edge to itself, is a cycle.
 */

/** The cycles of a graph given as node → successors, each as the list of its nodes. */
export function findCycles(successors: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0
  const index = new Map<string, number>()
  const lowLink = new Map<string, number>()
  const onStack = new Set<string>()
  const stack: string[] = []
  const components: string[][] = []

  // Recursion depth is bounded by the node count, which is small for a hand-written workflow.
  function visit(node: string) {
    index.set(node, counter)
    lowLink.set(node, counter)
    counter++
    stack.push(node)
    onStack.add(node)
    for (const next of successors.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next)
        lowLink.set(node, Math.min(lowLink.get(node)!, lowLink.get(next)!))
      }
      else if (onStack.has(next)) {
        lowLink.set(node, Math.min(lowLink.get(node)!, index.get(next)!))
      }
    }
    if (lowLink.get(node) !== index.get(node)) return
    const component: string[] = []
    let member: string
    do {
      member = stack.pop()!
      onStack.delete(member)
      component.push(member)
    } while (member !== node)
    components.push(component.reverse())
  }

  for (const node of successors.keys()) {
    if (!index.has(node)) visit(node)
  }
  return components.filter(component =>
    component.length > 1 || (successors.get(component[0]!) ?? []).includes(component[0]!),
  )
}
