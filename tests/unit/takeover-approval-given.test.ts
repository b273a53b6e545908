/**
 * A workflow tool node's call that the person had already approved (or denied) when its owner was
 * lost: the owner taking over runs the call again (`-attempt-2`) on that decision, as an input
 * node's stored answer is taken (workflow-resume-answered), instead of asking the person the same
 * thing again — the same node's visit, the same tool, the same arguments (decision 35). Before,
 * the attempt run again asked for approval as if nobody had answered. A deploy that changed the
 * call's tool or arguments asks anew (takeover-approval-deadline).
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { JobState } from '../../shared/reducer'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

let deploys = 0
/** On the first instance the deploy hangs (its owner is lost while it runs); then it completes. */
const deployTool = (hang: boolean) => defineTool({ name: 'deploy', description: 'deploys', parameters: z.object({ target: z.string() }), needsApproval: true, timeoutMs: 10_000_000, execute: ({ target }) => (hang ? new Promise<string>(() => {}) : `deployed ${target} #${++deploys}`) })
const ship = (target: string) => defineWorkflow({
  name: 'ship',
  description: 'deploys once approved',
  input: z.object({}),
  nodes: { ship: { kind: 'tool', tool: 'deploy', args: { target }, continueOnError: true }, out: { kind: 'output', value: '{{outputs.ship}}' } },
  edges: [['ship', 'out']],
})

/** Runs until the person decided on the approval (`answer`) and the owner is lost; the state the next owner reads. */
async function decidedThenLost(answer: unknown): Promise<JobState> {
  const first = startWorkflow(ship('prod'), {}, { tools: [deployTool(true)] })
  await first.nextInput()
  first.answer(answer)
  for (let turn = 0; turn < 50 && first.state().answeredInputs.length === 0; turn++) await new Promise(resolve => setImmediate(resolve))
  const state = first.state()
  first.abort()
  await first.done
  expect(state.pendingInputs).toEqual([])
  expect(state.nodeStates.ship?.status).toBe('running')
  return state
}

/** Resumes on `definition`; the run once it ended, or asked (then `asked` is true). */
async function resumeOn(definition: ReturnType<typeof ship>, resumedFrom: JobState) {
  const resumed = startWorkflow(definition, {}, { tools: [deployTool(false)], resumedFrom, continueLog: true })
  const asked = await Promise.race([resumed.nextInput().then(() => true), resumed.done.then(() => false)])
  if (asked) resumed.abort()
  await resumed.done
  return { resumed, asked }
}

describe('a tool node\'s call the person had decided on when its owner was lost', () => {
  it('approved: the call run again runs on that approval, not asked again', async () => {
    deploys = 0
    const { resumed, asked } = await resumeOn(ship('prod'), await decidedThenLost('approve'))
    // Before: asked again.
    expect(asked).toBe(false)
    expect(resumed.error()).toBeUndefined()
    expect(resumed.state().toolCalls.at(-1)).toMatchObject({ id: 'ship-1-attempt-2', status: 'completed' })
    expect(resumed.state().content).toBe('deployed prod #1')
  })

  it('denied: the call run again is denied with the person\'s reason, not asked again', async () => {
    deploys = 0
    const { resumed, asked } = await resumeOn(ship('prod'), await decidedThenLost({ approved: false, reason: 'not today' }))
    expect(asked).toBe(false)
    expect(deploys).toBe(0)
    expect(resumed.state().nodeStates.ship?.output).toMatchObject({ status: 'denied', error: expect.stringContaining('not today') })
  })

  it('a deploy changed its arguments since: asked anew', async () => {
    const { asked } = await resumeOn(ship('staging'), await decidedThenLost('approve'))
    expect(asked).toBe(true)
  })
})
