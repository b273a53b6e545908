/**
 * A deploy reordered the nodes of a loop's body (or of a parallel node's branch) while a job waited
 * in its second round: the step the round had already finished is matched by id and reused, not
 * run again because the new order puts it after the node the job waited at (docs/workflows.md,
 * "A deploy that changed the workflow"). Before, the node the job waited at, run again, counted as
 * a loop round gone by for every record after its first visit: the round's charge ran a second time.
 * The loop's own decision, recorded a round earlier, is still made again.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createJobState, reduceEvents } from '../../shared/reducer'
import type { WorkflowState } from '../../server/lib/workflows/define'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'
import { resumeOn, untilQuestion } from '../support/workflow-takeover'

const charges: number[] = []
const charge = defineTool({ name: 'charge', description: 'charges a card (an outside effect)', parameters: z.object({ round: z.number() }), execute: ({ round }) => { charges.push(round); return `charged round ${round}` } })
const chargeNode = { kind: 'tool', tool: 'charge', args: (state: WorkflowState) => ({ round: state.visits.charge }) } as const
const ship = { kind: 'input', prompt: 'Shipped?', schema: z.object({ ok: z.boolean() }) } as const
const again = { kind: 'branch', choose: (state: WorkflowState) => ((state.visits.again ?? 0) < 2 ? 'charge' : 'out') } as const
const out = { kind: 'output', value: 'done' } as const


describe('a loop whose body a deploy reordered, resumed in its second round', () => {
  it('reuses the round\'s charge and decides the round again', async () => {
    charges.length = 0
    // v1: charge → ship → again → (charge | out); v2: ship → charge → again → (ship | out).
    const v1 = defineWorkflow({ name: 'order', description: 'v1', input: z.object({}), nodes: { charge: chargeNode, ship, again, out }, edges: [['charge', 'ship'], ['ship', 'again'], ['again', 'charge'], ['again', 'out']] })
    const state = await untilQuestion(v1, 2, [charge])
    expect(state.executionOrder).toEqual(['charge', 'ship', 'again', 'charge', 'ship'])
    expect(charges).toEqual([1, 2])
    const v2 = defineWorkflow({
      name: 'order',
      description: 'v2',
      input: z.object({}),
      start: 'ship',
      nodes: { ship, charge: chargeNode, again: { kind: 'branch', choose: (s: WorkflowState) => ((s.visits.again ?? 0) < 2 ? 'ship' : 'out') }, out },
      edges: [['ship', 'charge'], ['charge', 'again'], ['again', 'ship'], ['again', 'out']],
    })
    const resumed = await resumeOn(v2, state, [charge])
    expect(resumed.error()).toBeUndefined()
    // Before: [1, 2, 3] — round 2's charge ran again after the question asked again.
    expect(charges).toEqual([1, 2])
    expect(resumed.nodeLog()).toEqual(['start:ship', 'completed:ship', 'start:again', 'completed:again', 'start:out', 'completed:out'])
  })
})

describe('the same version, the owner lost after the loop decided to go round', () => {
  it('runs the round\'s charge: its record, before the decision, is the round before\'s', async () => {
    // note → twice → (charge | out), charge → note: lost once round 2's `twice` chose `charge`.
    const twice = { kind: 'branch', choose: (state: WorkflowState) => ((state.visits.twice ?? 0) < 3 ? 'charge' : 'out') } as const
    const loop = defineWorkflow({ name: 'loop', description: 'loop', input: z.object({}), nodes: { note: { kind: 'output', value: 'note' }, twice, charge: chargeNode, out }, edges: [['note', 'twice'], ['twice', 'charge'], ['twice', 'out'], ['charge', 'note']] })
    const whole = startWorkflow(loop, {}, { tools: [charge] })
    await whole.done
    expect(whole.state().executionOrder).toEqual(['note', 'twice', 'charge', 'note', 'twice', 'charge', 'note', 'twice', 'out'])
    const decided = whole.events.filter(event => event.type === 'node-end' && event.nodeId === 'twice')[1]!
    const state = reduceEvents(createJobState({ id: 'job-1', type: 'workflow', createdAt: 0, status: 'running' }), whole.events.filter(event => event.seq <= decided.seq))
    charges.length = 0
    const resumed = startWorkflow(loop, {}, { tools: [charge], resumedFrom: state, continueLog: true })
    await resumed.done
    expect(resumed.error()).toBeUndefined()
    expect(charges).toEqual([2])
    expect(resumed.nodeLog()).toEqual(['start:charge', 'completed:charge', 'start:note', 'completed:note', 'start:twice', 'completed:twice', 'start:out', 'completed:out'])
  })
})

describe('a parallel node whose branch a deploy reordered, resumed while the branch waited', () => {
  it('reuses the branch\'s finished charge', async () => {
    charges.length = 0
    const fan = (sequence: string[]) => defineWorkflow({ name: 'fan', description: 'fan', input: z.object({}), nodes: { both: { kind: 'parallel', branches: [sequence] }, charge: chargeNode, ship, out }, edges: [['both', 'out']] })
    const state = await untilQuestion(fan(['charge', 'ship']), 1, [charge])
    expect(charges).toEqual([1])
    const resumed = await resumeOn(fan(['ship', 'charge']), state, [charge])
    expect(resumed.error()).toBeUndefined()
    // Before: [1, 1] — the charge ran again once the question was answered.
    expect(charges).toEqual([1])
    expect(resumed.nodeLog()).toEqual(['start:both', 'start:ship', 'completed:ship', 'completed:both', 'start:out', 'completed:out'])
  })
})
