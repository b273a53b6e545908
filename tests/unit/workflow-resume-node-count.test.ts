/**
 * limits.maxNodesPerJob after a takeover: the node the lost owner was cut off in runs again, and
 * counts once. Before, the resumed run counted the cut-off attempt and its re-run as two started
 * nodes, so a job whose path fits the limit failed `max-nodes` only because its server went away.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

const step = defineTool({ name: 'step', description: 'a step', parameters: z.object({}), execute: () => 'done' })

const three = defineWorkflow({
  name: 'three',
  description: 'three nodes, as many as the limit allows',
  input: z.object({}),
  nodes: {
    first: { kind: 'tool', tool: 'step' },
    second: { kind: 'tool', tool: 'step' },
    end: { kind: 'output', value: 'finished' },
  },
  edges: [['first', 'second'], ['second', 'end']],
})

describe('maxNodesPerJob after a takeover', () => {
  it('counts the node that was cut off and ran again once', async () => {
    const config = { limits: { maxNodesPerJob: 3 } }
    const first = startWorkflow(three, {}, { tools: [step], config })
    await first.done
    expect(first.error()).toBeUndefined()
    // The store's log ends right after `second` started: the owner was lost in it.
    const cut = first.events.findIndex(event => event.type === 'node-start' && event.nodeId === 'second')
    const resumedFrom = reduceEvents(createJobState({ id: 'job-1', type: 'workflow', createdAt: 0 }), first.events.slice(0, cut + 1))

    const resumed = startWorkflow(three, {}, { tools: [step], config, resumedFrom, continueLog: true })
    await resumed.done
    expect(resumed.error()).toBeUndefined()
    expect(resumed.state().content).toBe('finished')
  })
})
