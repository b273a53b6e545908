/**
 * `state.visits` after two takeovers. A node cut off by a takeover runs again on the new owner:
 * its `node-start` is in the log twice, once for the attempt that was cut off. Before, a later
 * takeover counted both as visits (the node showed `completed` by then), so `{{visits.x}}` and a
 * branch reading `state.visits` saw one visit too many: a loop allowed two drafts ended after one.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createJobState, reduceEvents } from '../../shared/reducer'
import type { JobEvent } from '../../shared/events'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

const write = defineTool({ name: 'write', description: 'writes a draft', parameters: z.object({}), execute: () => 'a draft' })

const drafts = defineWorkflow({
  name: 'drafts',
  description: 'drafts, asks, drafts once more on a rejection',
  input: z.object({}),
  nodes: {
    draft: { kind: 'tool', tool: 'write' },
    approval: { kind: 'input', prompt: 'Approve?', schema: z.object({ approved: z.boolean() }) },
    review: {
      kind: 'branch',
      choose: state => ((state.outputs.approval as { approved: boolean }).approved ? 'final' : (state.visits.draft ?? 0) < 2 ? 'draft' : 'rejected'),
    },
    final: { kind: 'output', value: 'approved after {{visits.draft}} drafts' },
    rejected: { kind: 'output', value: 'rejected after {{visits.draft}} drafts' },
  },
  edges: [['draft', 'approval'], ['approval', 'review'], ['review', 'final'], ['review', 'draft'], ['review', 'rejected']],
})

/** The state the store holds when the log ends with the first event matching `until`. */
function logUntil(events: JobEvent[], until: (event: JobEvent) => boolean) {
  return reduceEvents(createJobState({ id: 'job-1', type: 'workflow', createdAt: 0 }), events.slice(0, events.findIndex(until) + 1))
}

describe('visits after two takeovers', () => {
  it('counts a node cut off by the first takeover once', async () => {
    // The first owner is lost right after `draft` started.
    const first = startWorkflow(drafts, {}, { tools: [write] })
    await first.nextInput()
    first.abort()
    await first.done
    const cutInDraft = logUntil(first.events, event => event.type === 'node-start' && event.nodeId === 'draft')

    // The second owner runs `draft` again and is lost while `approval` waits.
    const second = startWorkflow(drafts, {}, { tools: [write], resumedFrom: cutInDraft, continueLog: true })
    await second.nextInput()
    // The takeover voids the question it left open (run-manager.ts), as the engine does.
    const asked = second.state()
    const waiting = reduceEvents(asked, [{ type: 'input-response', requestId: asked.pendingInputs[0]!.requestId, answer: null, answeredAt: 0, answeredBy: 'system:owner-lost', seq: asked.seq + 1, at: 0 }])
    second.abort()
    await second.done
    expect(waiting.nodeStates.draft!.status).toBe('completed')

    // The third owner asks again; a rejection after the first draft sends it back for a second.
    const third = startWorkflow(drafts, {}, { tools: [write], resumedFrom: waiting, continueLog: true })
    await third.nextInput()
    third.answer({ approved: false })
    const askedAgain = await Promise.race([third.done.then(() => false), third.nextInput().then(() => true)])
    if (askedAgain) third.answer({ approved: true })
    await third.done
    expect(third.state().content).toBe('approved after 2 drafts')
    expect(askedAgain).toBe(true)
    // Each visit is listed once: the demo's progress showed "Draft (2nd time)" for the cut-off attempt.
    expect(third.state().executionOrder).toEqual(['draft', 'approval', 'review', 'draft', 'approval', 'review', 'final'])
    expect(third.error()).toBeUndefined()
    expect(third.state().nodeStates.review!.output).toBe('final')
  })
})
