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

  // Depth-first with a stack of its own, not recursion: a generated workflow of thousands of
  // chained nodes would otherwise overflow the call stack at boot.
  function visit(root: string) {
    const frames: { node: string, next: number }[] = []
    const enter = (node: string) => {
      index.set(node, counter)
      lowLink.set(node, counter)
      counter++
      stack.push(node)
      onStack.add(node)
      frames.push({ node, next: 0 })
    }
    enter(root)
    while (frames.length) {
      const frame = frames.at(-1)!
      const targets = successors.get(frame.node) ?? []
      if (frame.next < targets.length) {
        const next = targets[frame.next++]!
        if (!index.has(next)) enter(next)
        else if (onStack.has(next)) lowLink.set(frame.node, Math.min(lowLink.get(frame.node)!, index.get(next)!))
        continue
      }
      frames.pop()
      const { node } = frame
      const parent = frames.at(-1)
      if (parent) lowLink.set(parent.node, Math.min(lowLink.get(parent.node)!, lowLink.get(node)!))
      if (lowLink.get(node) !== index.get(node)) continue
      const component: string[] = []
      let member: string
      do {
        member = stack.pop()!
        onStack.delete(member)
        component.push(member)
      } while (member !== node)
      components.push(component.reverse())
    }
  }

  for (const node of successors.keys()) {
    if (!index.has(node)) visit(node)
  }
  return components.filter(component =>
    component.length > 1 || (successors.get(component[0]!) ?? []).includes(component[0]!),
  )
}
