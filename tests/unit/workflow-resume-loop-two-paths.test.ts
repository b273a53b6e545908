/**
 * Resume inside a loop whose rounds reach a node by different paths: round 1 went first → pick → n,
 * round 2 went first → pick → ask → n, and the instance stopped while `ask` waited. The walk
 * reaches `n` after `ask`, which the earlier log never ran before `n`'s record — but `first` and
 * `pick`, on this walk too, ran both before and after it: the loop went round since `n`'s record,
 * so it is a round behind and `n` runs again (docs/workflows.md, "Restart safety"). Reusing a node
 * whose record comes before the node ahead of it on the walk is only for the order a deploy changed
 * (workflow-resume-changed-graph), not for a record an earlier round left.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createJobState, reduceEvents } from '../../shared/reducer'
import type { JobEvent } from '../../shared/events'
import type { WorkflowState } from '../../server/lib/workflows/define'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

const runs: string[] = []
const record = defineTool({ name: 'record', description: 'records a step', parameters: z.object({ step: z.string() }), execute: ({ step }) => { runs.push(step); return step } })

const loop = defineWorkflow({
  name: 'two-paths',
  description: 'a loop whose second round asks before n',
  input: z.object({}),
  nodes: {
    first: { kind: 'tool', tool: 'record', args: { step: 'first' } },
    pick: { kind: 'branch', choose: (state: WorkflowState) => (state.visits.n === 0 ? 'n' : 'ask') },
    ask: { kind: 'input', prompt: 'Again?', schema: z.boolean() },
    n: { kind: 'tool', tool: 'record', args: (state: WorkflowState) => ({ step: `n round ${state.visits.n}` }) },
    again: { kind: 'branch', choose: (state: WorkflowState) => ((state.visits.n ?? 0) < 2 ? 'first' : 'out') },
    out: { kind: 'output', value: '{{outputs.n}}' },
  },
  edges: [['first', 'pick'], ['pick', 'n'], ['pick', 'ask'], ['ask', 'n'], ['n', 'again'], ['again', 'first'], ['again', 'out']],
})

function logUntil(events: JobEvent[], until: (event: JobEvent) => boolean) {
  const index = events.findIndex(until)
  return reduceEvents(createJobState({ id: 'job-1', type: 'workflow', createdAt: 0 }), events.slice(0, index + 1))
}

describe('resume in a loop that reached a node by another path in an earlier round', () => {
  it('runs the node again instead of reusing its record from the earlier round', async () => {
    runs.length = 0
    const first = startWorkflow(loop, {}, { tools: [record] })
    await first.nextInput()
    first.abort()
    await first.done
    const resumedFrom = logUntil(first.events, event => event.type === 'input-request')
    expect(resumedFrom.executionOrder).toEqual(['first', 'pick', 'n', 'again', 'first', 'pick', 'ask'])

    const resumed = startWorkflow(loop, {}, { tools: [record], resumedFrom })
    await resumed.nextInput()
    resumed.answer(true)
    // Reusing n's round-1 record sends the loop round again, to ask a second time.
    const askedAgain = await Promise.race([resumed.done.then(() => false), resumed.nextInput().then(() => true)])
    if (askedAgain) resumed.abort()
    await resumed.done
    expect(askedAgain).toBe(false)
    expect(resumed.error()).toBeUndefined()
    expect(resumed.nodeLog()).toEqual(['start:ask', 'completed:ask', 'start:n', 'completed:n', 'start:again', 'completed:again', 'start:out', 'completed:out'])
    expect(runs).toEqual(['first', 'n round 1', 'first', 'n round 2'])
    expect(resumed.state().content).toBe('n round 2')
  })
})
