/**
 * A branch of a parallel node left behind by a takeover: one branch had finished, the other waited
 * when the owner was lost, and the deploy the next owner runs gave the parallel node another branch
 * in its place. The next owner runs the parallel node again with only the branches not finished
 * (the finished one reused, the new one run); the old branch still reads `running` in `nodeStates`,
 * but it is not where the job is: not the current node once the others end, and a later deploy
 * removing it lets the job go on (before, it was `currentNodeId` after every node that ended, and
 * the next takeover ended the job `workflow-changed` naming it).
 */
import { expect, it } from 'vitest'
import { z } from 'zod'
import type { JobState } from '../../shared/reducer'
import { reduceEvents } from '../../shared/reducer'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

let quickRuns = 0
const note = defineTool({ name: 'note', description: 'notes', parameters: z.object({}), execute: () => `noted #${++quickRuns}` })
const quick = { kind: 'tool', tool: 'note' } as const
const question = (prompt: string) => ({ kind: 'input', prompt, schema: z.object({ ok: z.boolean() }) }) as const
const out = { kind: 'output', value: 'done' } as const

/** v1: both(quick, slow) → out. */
const v1 = defineWorkflow({ name: 'fan', description: 'v1', input: z.object({}), nodes: { both: { kind: 'parallel', branches: ['quick', 'slow'] }, quick, slow: question('Slow?'), out }, edges: [['both', 'out']] })
/** v2: `other` in place of `slow` in the parallel node; `slow` kept behind a branch that does not take it. */
const v2 = defineWorkflow({
  name: 'fan',
  description: 'v2',
  input: z.object({}),
  nodes: { both: { kind: 'parallel', branches: ['quick', 'other'] }, quick, other: question('Other?'), route: { kind: 'branch', choose: () => 'out' }, slow: question('Slow?'), out },
  edges: [['both', 'route'], ['route', 'slow'], ['route', 'out'], ['slow', 'out']],
})
/** v3: `slow` removed. */
const v3 = defineWorkflow({ name: 'fan', description: 'v3', input: z.object({}), nodes: { both: { kind: 'parallel', branches: ['quick', 'other'] }, quick, other: question('Other?'), out }, edges: [['both', 'out']] })

/** The state the next owner reads: the open question voided, as a takeover does. */
function takenOver(state: JobState): JobState {
  const open = state.pendingInputs[0]!
  return reduceEvents(state, [{ type: 'input-response', requestId: open.requestId, answer: null, answeredAt: 0, answeredBy: 'system:owner-lost', seq: state.seq + 1, at: 0 }])
}

/** v1 until `slow` asks with `quick` finished; the owner lost. */
async function lostAtSlow(): Promise<JobState> {
  quickRuns = 0
  const first = startWorkflow(v1, {}, { tools: [note] })
  await first.nextInput()
  for (let turn = 0; turn < 50 && first.state().nodeStates.quick?.status !== 'completed'; turn++) await new Promise(resolve => setImmediate(resolve))
  expect(first.state().nodeStates.quick?.status).toBe('completed')
  const state = takenOver(first.state())
  first.abort()
  await first.done
  return state
}

it('the next owner runs only the branch not finished; the one left behind is not current once the others end', async () => {
  const state = await lostAtSlow()
  const second = startWorkflow(v2, {}, { tools: [note], resumedFrom: state, continueLog: true })
  await second.nextInput()
  expect(second.state().pendingInputs.map(input => input.prompt)).toEqual(['Other?'])
  expect(second.state().nodeStates.slow?.status).toBe('running') // left behind
  second.answer({ ok: true })
  await second.done
  expect(second.error()).toBeUndefined()
  expect(quickRuns).toBe(1)
  expect(second.nodeLog()).toEqual(['start:both', 'start:other', 'completed:other', 'completed:both', 'start:route', 'completed:route', 'start:out', 'completed:out'])
  // Each node's end handed `current` on: to the parallel node, then to none — never to `slow`.
  const afterOther = second.events.findIndex(event => event.type === 'node-end' && event.nodeId === 'other')
  expect(reduceEvents(state, second.events.slice(0, afterOther + 1)).currentNodeId).toBe('both')
  // Before: 'slow'.
  expect(second.state().currentNodeId).toBeNull()
})

it('a later deploy removing the branch left behind: the job goes on where it is', async () => {
  const second = startWorkflow(v2, {}, { tools: [note], resumedFrom: await lostAtSlow(), continueLog: true })
  await second.nextInput()
  const state = takenOver(second.state())
  second.abort()
  await second.done
  const third = startWorkflow(v3, {}, { tools: [note], resumedFrom: state, continueLog: true })
  const asked = await Promise.race([third.nextInput().then(() => true), third.done.then(() => false)])
  // Before: the job ended `workflow-changed` naming "slow".
  expect(third.error()).toBeUndefined()
  expect(asked).toBe(true)
  expect(third.state().pendingInputs.map(input => input.prompt)).toEqual(['Other?'])
  third.answer({ ok: true })
  await third.done
  expect(third.error()).toBeUndefined()
  expect(quickRuns).toBe(1)
  expect(third.state().content).toBe('done')
})
