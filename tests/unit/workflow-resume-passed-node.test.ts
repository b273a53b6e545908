/**
 * A node an earlier takeover left `running` that the resumed run never came back to (a deploy
 * routed it past the node) is not where the job is: a later deploy that removes that node lets the
 * job go on from the node it is at, not end `workflow-changed` (before, every node the log showed
 * running counted, the one left behind too). The node the job is at, removed, still ends it
 * `workflow-changed` (workflow-resume-changed-graph).
 */
import { expect, it } from 'vitest'
import { z } from 'zod'
import type { JobState } from '../../shared/reducer'
import { reduceEvents } from '../../shared/reducer'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

const question = (prompt: string) => ({ kind: 'input', prompt, schema: z.object({ ok: z.boolean() }) }) as const
const out = { kind: 'output', value: 'done' } as const
const intro = { kind: 'output', value: 'intro' } as const
const note = defineTool({ name: 'note', description: 'notes', parameters: z.object({}), execute: () => 'noted' })
const quick = { kind: 'tool', tool: 'note' } as const

/** v1: intro → first → out. */
const v1 = defineWorkflow({ name: 'ship', description: 'v1', input: z.object({}), nodes: { intro, first: question('First?'), out }, edges: [['intro', 'first'], ['first', 'out']] })
/** v2, deployed while v1 waited at `first`: a new branch routes the job past `first`, to `second`. */
const v2 = defineWorkflow({
  name: 'ship',
  description: 'v2',
  input: z.object({}),
  nodes: { intro, route: { kind: 'branch', choose: () => 'second' }, first: question('First?'), second: question('Second?'), out },
  edges: [['intro', 'route'], ['route', 'first'], ['route', 'second'], ['first', 'out'], ['second', 'out']],
})
/** v3, deployed while v2 waited at `second`: `first` (and the branch) removed. */
const v3 = defineWorkflow({ name: 'ship', description: 'v3', input: z.object({}), nodes: { intro, second: question('Second?'), out }, edges: [['intro', 'second'], ['second', 'out']] })

/** The state the next owner reads: the open question voided, as a takeover does. */
function takenOver(state: JobState): JobState {
  const open = state.pendingInputs[0]!
  return reduceEvents(state, [{ type: 'input-response', requestId: open.requestId, answer: null, answeredAt: 0, answeredBy: 'system:owner-lost', seq: state.seq + 1, at: 0 }])
}

/** Runs `definition` until it asks, then stops it as a lost owner: the state the next owner resumes from. */
async function untilAsked(definition: typeof v1, resumedFrom?: JobState, settled: (state: JobState) => boolean = () => true): Promise<JobState> {
  const run = startWorkflow(definition, {}, { tools: [note], ...(resumedFrom ? { resumedFrom, continueLog: true } : {}) })
  await run.nextInput()
  // Other work of the run (a sibling branch) done before the owner is lost: a bounded number of turns.
  for (let turn = 0; turn < 50 && !settled(run.state()); turn++) await new Promise(resolve => setImmediate(resolve))
  const state = takenOver(run.state())
  run.abort()
  await run.done
  return state
}

it('two takeovers, then a deploy removing the node the first one left behind: the job goes on', async () => {
  const second = await untilAsked(v2 as never, await untilAsked(v1))
  expect(second.nodeStates.first?.status).toBe('running') // left behind: v2's run never came back to it
  const resumed = startWorkflow(v3, {}, { resumedFrom: second, continueLog: true })
  const asked = await Promise.race([resumed.nextInput().then(() => true), resumed.done.then(() => false)])
  // Before: the job ended `workflow-changed` naming "first" without asking.
  expect(resumed.error()).toBeUndefined()
  expect(asked).toBe(true)
  expect(resumed.state().pendingInputs.map(input => input.prompt)).toEqual(['Second?'])
  resumed.answer({ ok: true })
  await resumed.done
  expect(resumed.error()).toBeUndefined()
  expect(resumed.state().content).toBe('intro\n\ndone')
})

it('a branch of a parallel node still waiting while a sibling started after it ended is where the job is: removed, the job ends workflow-changed', async () => {
  const fanOut = defineWorkflow({
    name: 'fan',
    description: 'v1',
    input: z.object({}),
    nodes: { both: { kind: 'parallel', branches: ['wait', 'quick'] }, quick, wait: question('Wait?'), out },
    edges: [['both', 'out']],
  })
  const state = await untilAsked(fanOut as never, undefined, ran => ran.nodeStates.quick?.status === 'completed')
  expect(state.nodeStates.quick?.status).toBe('completed')
  const without = defineWorkflow({ name: 'fan', description: 'v2', input: z.object({}), nodes: { both: { kind: 'parallel', branches: ['quick'] }, quick, out }, edges: [['both', 'out']] })
  const resumed = startWorkflow(without, {}, { tools: [note], resumedFrom: state, continueLog: true })
  await resumed.done
  expect(resumed.error()).toMatchObject({ code: 'workflow-changed', details: { nodeId: 'wait' } })
})
