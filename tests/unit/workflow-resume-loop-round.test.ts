/**
 * Resume inside a loop: once a node runs for real after a takeover (a question asked again), the
 * nodes after it run for real too — the outputs the earlier log recorded for them are a round
 * behind (docs/workflows.md, "Restart safety": the latest visit is reused, the loop carries on).
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { createJobState, reduceEvents } from '../../shared/reducer'
import type { JobEvent } from '../../shared/events'
import { defineTool } from '../../server/utils/define-tool'
import type { WorkflowState } from '../../server/lib/workflows/define'
import { startWorkflow } from '../support/workflow-fake-context'
import researchReport from '../../demo/server/workflows/research-report'

function logUntil(events: JobEvent[], until: (event: JobEvent) => boolean) {
  const index = events.findIndex(until)
  return reduceEvents(createJobState({ id: 'job-1', type: 'workflow', createdAt: 0 }), events.slice(0, index + 1))
}

afterEach(() => {
  vi.useRealTimers()
})

describe('resume inside a loop', () => {
  it('research-report: takeover while the 2nd approval waits; the reviewer approves → the report is published', async () => {
    vi.useFakeTimers()
    const first = startWorkflow(researchReport, { topic: 'tides' })
    await first.nextInput()
    first.answer({ approved: false, feedback: 'more numbers' })
    await vi.waitFor(() => expect(first.state().pendingInputs).toHaveLength(1))
    expect(first.state().executionOrder).toEqual(['research', 'draft', 'approval', 'review', 'draft', 'approval'])
    first.abort()
    await first.done
    // The instance died while the second approval waited.
    let seen = 0
    const resumedFrom = logUntil(first.events, event => event.type === 'input-request' && ++seen === 2)

    const resumed = startWorkflow(researchReport, { topic: 'tides' }, { resumedFrom })
    await resumed.nextInput()
    resumed.answer({ approved: true })
    await vi.advanceTimersByTimeAsync(0)
    const log = resumed.nodeLog()
    resumed.abort()
    await resumed.done
    // Approved: `review` must choose `final` — not replay its round-1 choice `draft`.
    expect(log).toEqual(['start:approval', 'completed:approval', 'start:review', 'completed:review', 'start:final', 'completed:final'])
  })

  it('a parallel sequence re-run after a takeover does not reuse the second node\'s output from the previous round', async () => {
    const count = defineTool({
      name: 'echo',
      description: 'echoes',
      parameters: z.object({ text: z.string() }),
      execute: ({ text }) => `echo ${text}`,
    })
    const definition = () => ({
      name: 'par-loop',
      description: 't',
      input: z.object({}),
      nodes: {
        fan: { kind: 'parallel', branches: [['ask', 'use']] },
        again: { kind: 'branch', choose: (state: WorkflowState) => ((state.visits.fan ?? 0) < 2 ? 'fan' : 'done') },
        ask: { kind: 'input', prompt: 'word?', schema: z.string() },
        use: { kind: 'tool', tool: 'echo', args: { text: '{{outputs.ask}}' } },
        done: { kind: 'output', value: '{{outputs.use}}' },
      },
      edges: [['fan', 'again'], ['again', 'fan'], ['again', 'done']] as Array<[string, string]>,
    })
    vi.useFakeTimers()
    const first = startWorkflow(definition(), {}, { tools: [count] })
    await first.nextInput()
    first.answer('one')
    await vi.advanceTimersByTimeAsync(0)
    first.abort()
    await first.done
    let seen = 0
    const resumedFrom = logUntil(first.events, event => event.type === 'input-request' && ++seen === 2)
    expect(resumedFrom.executionOrder).toEqual(['fan', 'ask', 'use', 'again', 'fan', 'ask'])

    const resumed = startWorkflow(definition(), {}, { tools: [count], resumedFrom })
    await resumed.nextInput()
    resumed.answer('two')
    await vi.advanceTimersByTimeAsync(0)
    const log = resumed.nodeLog()
    resumed.abort()
    await resumed.done
    // Round 2's `use` must run on round 2's answer, then `again` choose `done` (fan visited twice).
    expect(log).toEqual(['start:fan', 'start:ask', 'completed:ask', 'start:use', 'completed:use', 'completed:fan', 'start:again', 'completed:again', 'start:done', 'completed:done'])
  })
})
