/**
 * A loop node that reads its own output of the round before (a draft revised each round) reads it
 * in a run resumed while that node runs again, as the live run did. Before, the reducer dropped a
 * node's output when it started again, so a takeover in the middle of the node's second round gave
 * its re-run no previous output: it started over as if it were the first round.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import type { JobEvent } from '../../shared/events'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

beforeEach(() => { vi.useFakeTimers() })
afterEach(() => { vi.useRealTimers() })

const revise = defineTool({
  name: 'revise',
  description: 'writes the next version of a draft',
  parameters: z.object({ previous: z.object({ version: z.number() }).nullable() }),
  execute: ({ previous }) => ({ version: (previous?.version ?? 0) + 1 }),
})

const drafts = defineWorkflow({
  name: 'drafts',
  description: 'revises its own draft twice',
  input: z.object({}),
  nodes: {
    draft: { kind: 'tool', tool: 'revise', args: state => ({ previous: (state.outputs.draft as { version: number } | undefined) ?? null }) },
    again: { kind: 'branch', choose: state => ((state.visits.draft ?? 0) < 2 ? 'draft' : 'done') },
    done: { kind: 'output', value: 'version {{outputs.draft.version}}' },
  },
  edges: [['draft', 'again'], ['again', 'draft'], ['again', 'done']],
})

/** The state an instance would resume from: the log up to the `count`-th event that matches. */
function logUntil(events: JobEvent[], matches: (event: JobEvent) => boolean, count: number) {
  let seen = 0
  const index = events.findIndex(event => matches(event) && ++seen === count)
  return reduceEvents(createJobState({ id: 'job-1', type: 'workflow', createdAt: 0 }), events.slice(0, index + 1))
}

describe('a loop node reading its own previous output, resumed in its second round', () => {
  it('reads the first round\'s output, as the live run did', async () => {
    const live = startWorkflow(drafts, {}, { tools: [revise] })
    await live.done
    expect(live.error()).toBeUndefined()
    expect(live.state().content).toBe('version 2')

    // The owner was lost once the draft's second round had started.
    const resumedFrom = logUntil(live.events, event => event.type === 'node-start' && event.nodeId === 'draft', 2)
    expect(resumedFrom.executionOrder).toEqual(['draft', 'again', 'draft'])
    const resumed = startWorkflow(drafts, {}, { tools: [revise], resumedFrom })
    await resumed.done
    expect(resumed.error()).toBeUndefined()
    expect(resumed.nodeLog()).toEqual(['start:draft', 'completed:draft', 'start:again', 'completed:again', 'start:done', 'completed:done'])
    expect(resumed.state().toolCalls.map(call => call.args)).toEqual([{ previous: { version: 1 } }])
    expect(resumed.state().content).toBe('version 2')
  })

  it('still reads it after a second takeover in that same round', async () => {
    const live = startWorkflow(drafts, {}, { tools: [revise] })
    await live.done
    const firstLoss = logUntil(live.events, event => event.type === 'node-start' && event.nodeId === 'draft', 2)
    // The next owner started the draft again and was lost too, before it ended.
    const second = startWorkflow(drafts, {}, { tools: [revise], resumedFrom: firstLoss, continueLog: true })
    await second.done
    const restart = second.events.findIndex(event => event.type === 'node-start' && event.nodeId === 'draft')
    const secondLoss = reduceEvents(firstLoss, second.events.slice(0, restart + 1))
    expect(secondLoss.nodeStates.draft).toMatchObject({ status: 'running', previousOutput: { version: 1 } })

    const third = startWorkflow(drafts, {}, { tools: [revise], resumedFrom: secondLoss })
    await third.done
    expect(third.error()).toBeUndefined()
    expect(third.state().content).toBe('version 2')
  })
})
