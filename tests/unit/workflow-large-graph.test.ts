/** A generated workflow with many chained nodes validates at boot (no graph walk recurses per node). */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { validateWorkflowDefinition } from '../../server/lib/workflows/validate'
import { findCycles } from '../../server/lib/workflows/find-cycles'

const COUNT = 20_000

describe('a workflow of 20,000 chained nodes', () => {
  it('validates, with a loop through every node back to the start', () => {
    const nodes: Record<string, unknown> = {}
    const edges: [string, string][] = []
    for (let index = 0; index < COUNT; index++) {
      nodes[`n${index}`] = { kind: 'tool', tool: 'quick', args: {} }
      if (index > 0) edges.push([`n${index - 1}`, `n${index}`])
    }
    nodes.again = { kind: 'branch', choose: () => 'done' }
    nodes.done = { kind: 'output', value: 'x' }
    edges.push([`n${COUNT - 1}`, 'again'], ['again', 'n0'], ['again', 'done'])
    const { graph } = validateWorkflowDefinition({ name: 'big', description: 'd', input: z.object({}), nodes, edges })
    expect(graph.nodes.size).toBe(COUNT + 2)
  })

  it('finds the cycles of a long chain, in order, as Tarjan does', () => {
    const successors = new Map<string, string[]>()
    for (let index = 0; index < COUNT; index++) successors.set(`n${index}`, [`n${(index + 1) % COUNT}`])
    successors.set('self', ['self'])
    successors.set('alone', ['n0'])
    const cycles = findCycles(successors)
    expect(cycles.map(cycle => cycle.length)).toEqual([COUNT, 1])
    expect(cycles[0]!.slice(0, 3)).toEqual(['n0', 'n1', 'n2'])
    expect(cycles[1]).toEqual(['self'])
  })
})
