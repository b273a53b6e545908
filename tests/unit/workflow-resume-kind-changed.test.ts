/**
 * Rolling deploy: the new version of a workflow turns a node the job had finished into a node of
 * another kind under the same id — an automatic check (a tool node) becomes a human's approval (an
 * input node) — while jobs of the old version wait on a later question. Before, the instance that
 * took such a job over reused the tool's text as the approval's answer: the human was never asked,
 * and the branch reading `outputs.review.approved` read undefined and silently took the `rejected`
 * path. A node whose kind changed is now read as one the earlier log never started: it runs (the
 * question is asked), and the nodes after it that finished are still reused (no email sent twice).
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { JobState } from '../../shared/reducer'
import { reduceEvents } from '../../shared/reducer'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

const sent: string[] = []
const check = defineTool({ name: 'check', description: 'checks the draft', parameters: z.object({}), execute: () => 'looks fine' })
const send = defineTool({ name: 'send', description: 'emails the team', parameters: z.object({}), execute: () => { sent.push('email'); return 'sent' } })

const before = defineWorkflow({
  name: 'publish',
  description: 'v1: checked by a tool',
  input: z.object({}),
  nodes: {
    review: { kind: 'tool', tool: 'check' },
    notify: { kind: 'tool', tool: 'send' },
    confirm: { kind: 'input', prompt: 'Go?', schema: z.object({ go: z.boolean() }) },
    out: { kind: 'output', value: 'published' },
  },
  edges: [['review', 'notify'], ['notify', 'confirm'], ['confirm', 'out']],
})

/** v2, deployed while jobs of v1 waited at `confirm`: a human approves instead of the tool. */
const after = defineWorkflow({
  name: 'publish',
  description: 'v2: approved by a human',
  input: z.object({}),
  nodes: {
    review: { kind: 'input', prompt: 'Approve?', schema: z.object({ approved: z.boolean() }) },
    notify: { kind: 'tool', tool: 'send' },
    confirm: { kind: 'input', prompt: 'Go?', schema: z.object({ go: z.boolean() }) },
    route: { kind: 'branch', choose: state => ((state.outputs.review as { approved?: boolean }).approved === true ? 'out' : 'rejected') },
    out: { kind: 'output', value: 'published' },
    rejected: { kind: 'output', value: 'rejected' },
  },
  edges: [['review', 'notify'], ['notify', 'confirm'], ['confirm', 'route'], ['route', 'out'], ['route', 'rejected']],
})

/** The state the new owner reads: the question the lost owner left open voided, as the takeover does. */
function takenOver(state: JobState): JobState {
  const open = state.pendingInputs[0]!
  return reduceEvents(state, [{ type: 'input-response', requestId: open.requestId, answer: null, answeredAt: 0, answeredBy: 'system:owner-lost', seq: state.seq + 1, at: 0 }])
}

describe('a job taken over by a version where a node it finished changed kind', () => {
  it('runs that node (asks the question) and reuses the finished nodes after it', async () => {
    sent.length = 0
    const old = startWorkflow(before, {}, { tools: [check, send] })
    await old.nextInput()
    const resumedFrom = takenOver(old.state())
    old.abort()
    await old.done
    expect(sent).toEqual(['email'])

    const resumed = startWorkflow(after, {}, { tools: [check, send], resumedFrom })
    await resumed.nextInput()
    expect(resumed.state().pendingInputs.map(input => input.nodeId)).toEqual(['review'])
    resumed.answer({ approved: true })
    await resumed.nextInput()
    expect(resumed.state().pendingInputs.map(input => input.nodeId)).toEqual(['confirm'])
    resumed.answer({ go: true })
    await resumed.done
    expect(resumed.error()).toBeUndefined()
    expect(resumed.nodeLog()).toEqual(['start:review', 'completed:review', 'start:confirm', 'completed:confirm', 'start:route', 'completed:route', 'start:out', 'completed:out'])
    expect(resumed.state().nodeStates.review).toMatchObject({ kind: 'input', output: { approved: true } })
    expect(sent).toEqual(['email'])
    expect(resumed.state().content).toBe('published')
  })
})
