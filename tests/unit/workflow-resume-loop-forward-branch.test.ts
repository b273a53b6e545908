/**
 * The loop "round" rule after a graph change, against rewrites built to fool it (docs/workflows.md,
 * "A deploy that changed the workflow"; restarts-and-upgrades.md lists what it cannot tell). A record
 * is a round behind the node walked before it only when the loop went round between them in the
 * earlier log. Before, any branch node started between them counted as the loop going round: an
 * if/else inside the loop's body, started after the round's charge, made that charge read as a
 * round behind once a deploy put the question the job waited at first — and it ran twice.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { JobState } from '../../shared/reducer'
import type { WorkflowState } from '../../server/lib/workflows/define'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createResumePoint } from '../../server/lib/workflows/resume'
import { resumeOn, untilQuestion } from '../support/workflow-takeover'

const charges: number[] = []
const charge = defineTool({ name: 'charge', description: 'charges a card (an outside effect)', parameters: z.object({ round: z.number() }), execute: ({ round }) => { charges.push(round); return `charged round ${round}` } })
const chargeNode = { kind: 'tool', tool: 'charge', args: (state: WorkflowState) => ({ round: state.visits.charge }) } as const
const ship = { kind: 'input', prompt: 'Shipped?', schema: z.object({ ok: z.boolean() }) } as const
const out = { kind: 'output', value: 'done' } as const
/** Goes round twice, then out. */
const twice = (back: string) => ({ kind: 'branch', choose: (state: WorkflowState) => ((state.visits.again ?? 0) < 2 ? back : 'out') }) as const


describe('a loop with an if/else in its body, reordered by a deploy while the job waited in round 2', () => {
  it('reuses the round\'s charge: the if/else after it is no loop going round', async () => {
    charges.length = 0
    // v1: charge → check (if/else: ship) → ship → again → (charge | out).
    const check = { kind: 'branch', choose: () => 'ship' } as const
    const v1 = defineWorkflow({ name: 'order', description: 'v1', input: z.object({}), nodes: { charge: chargeNode, check, ship, again: twice('charge'), out }, edges: [['charge', 'check'], ['check', 'ship'], ['ship', 'again'], ['again', 'charge'], ['again', 'out']] })
    const state = await untilQuestion(v1, 2, [charge])
    expect(state.executionOrder).toEqual(['charge', 'check', 'ship', 'again', 'charge', 'check', 'ship'])
    expect(charges).toEqual([1, 2])
    // v2: ship → charge → check (if/else: again) → again → (ship | out).
    const v2 = defineWorkflow({
      name: 'order',
      description: 'v2',
      input: z.object({}),
      start: 'ship',
      nodes: { ship, charge: chargeNode, check: { kind: 'branch', choose: () => 'again' }, again: twice('ship'), out },
      edges: [['ship', 'charge'], ['charge', 'check'], ['check', 'again'], ['again', 'ship'], ['again', 'out']],
    })
    const resumed = await resumeOn(v2, state, [charge])
    expect(resumed.error()).toBeUndefined()
    // Before: [1, 2, 3] — round 2's charge ran again.
    expect(charges).toEqual([1, 2])
    expect(resumed.state().content).toBe('done')
  })
})

describe('checks that held before and hold after', () => {
  it('a nested loop: a step of the outer round before is run again after the outer loop went round', async () => {
    charges.length = 0
    // ask → charge → inner (charge again once) → outer (ask again once) → out: lost at the second ask.
    const inner = { kind: 'branch', choose: (state: WorkflowState) => ((state.visits.inner ?? 0) % 2 === 1 ? 'charge' : 'outer') } as const
    const outer = { kind: 'branch', choose: (state: WorkflowState) => ((state.visits.outer ?? 0) < 2 ? 'ship' : 'out') } as const
    const loops = defineWorkflow({ name: 'nested', description: 'nested', input: z.object({}), start: 'ship', nodes: { ship, charge: chargeNode, inner, outer, out }, edges: [['ship', 'charge'], ['charge', 'inner'], ['inner', 'charge'], ['inner', 'outer'], ['outer', 'ship'], ['outer', 'out']] })
    const state = await untilQuestion(loops, 2, [charge])
    expect(state.executionOrder).toEqual(['ship', 'charge', 'inner', 'charge', 'inner', 'outer', 'ship'])
    expect(charges).toEqual([1, 2])
    const resumed = await resumeOn(loops, state, [charge])
    expect(resumed.error()).toBeUndefined()
    // The outer round 2 charges twice, as round 1 did.
    expect(charges).toEqual([1, 2, 3, 4])
  })

})

describe('a loop that goes round through a plain edge, reordered by a deploy while the job waited in round 2', () => {
  it('runs the round\'s charge: the record is the round before\'s, though no branch started after it', async () => {
    charges.length = 0
    // ship → again → (charge | out), charge → ship: lost at the second ship; v2 puts charge first.
    const v1 = defineWorkflow({ name: 'order', description: 'v1', input: z.object({}), nodes: { ship, again: twice('charge'), charge: chargeNode, out }, edges: [['ship', 'again'], ['again', 'charge'], ['again', 'out'], ['charge', 'ship']] })
    const state = await untilQuestion(v1, 2, [charge])
    expect(state.executionOrder).toEqual(['ship', 'again', 'charge', 'ship'])
    const v2 = defineWorkflow({ name: 'order', description: 'v2', input: z.object({}), start: 'ship', nodes: { ship, charge: chargeNode, again: twice('ship'), out }, edges: [['ship', 'charge'], ['charge', 'again'], ['again', 'ship'], ['again', 'out']] })
    const resumed = await resumeOn(v2, state, [charge])
    expect(resumed.error()).toBeUndefined()
    // charge@2 ended round 1 (v1: ship → again → charge); round 2 had not charged when the job waited at its ship.
    // Before: [1] — reused, as no branch started between it and the ship asked again.
    expect(charges).toEqual([1, 2])
  })
})

describe('a parallel node in the loop, its branches started in another order in round 2', () => {
  it('is no loop going round: the round\'s step before it is reused', () => {
    // X → P (b | c) → Y → again → X; round 2 started c before b, and the job waited at its Y.
    const executionOrder = ['X', 'P', 'b', 'c', 'Y', 'again', 'X', 'P', 'c', 'b', 'Y']
    const done = (nodeId: string, kind: string) => ({ nodeId, kind, status: 'completed', output: nodeId, startedAt: 0 })
    const nodeStates = { X: done('X', 'tool'), P: done('P', 'parallel'), b: done('b', 'tool'), c: done('c', 'tool'), again: done('again', 'branch'), Y: { nodeId: 'Y', kind: 'input', status: 'running', startedAt: 0 } }
    const state = { executionOrder, nodeStates, answeredInputs: [], pendingInputs: [] } as unknown as JobState
    // A deploy put Y first: it runs again (its round 2 visit, at 10), then X's record at 6 is read.
    const walked = { after: Number.POSITIVE_INFINITY, passed: [{ first: 4, last: 10 }] }
    expect(createResumePoint(state, () => undefined, nodeId => nodeId === 'b' || nodeId === 'c').take('X', walked)).toEqual({ output: 'X', at: 6 })
    // Without knowing b and c run side by side, c → b reads as a loop going round (the documented limit).
    expect(createResumePoint(state).take('X', { ...walked, passed: [{ first: 4, last: 10 }] })).toBeUndefined()
  })
})
