/**
 * Rolling deploy: v2 turns `review`, a tool node v1's job had finished, into a human approval (an
 * input node) under the same id. The first takeover runs it as a node the log never started (its old
 * output is nobody's). But the reducer kept the tool's text as the new node's `previousOutput` when
 * it started, so a second takeover while the question waited read it back as `outputs.review` (as
 * for a loop's earlier round): viewers saw a tool's text as the approval's previous answer, and the
 * node's own prompt, reading `outputs.review`, asked "Approve the revised draft?" of a first round.
 * A node started under another kind than its recorded one now starts with no previous output.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { JobState } from '../../shared/reducer'
import { reduceEvents } from '../../shared/reducer'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

const check = defineTool({ name: 'check', description: 'checks the draft', parameters: z.object({}), execute: () => 'looks fine' })

const before = defineWorkflow({
  name: 'publish',
  description: 'v1: checked by a tool',
  input: z.object({}),
  nodes: {
    review: { kind: 'tool', tool: 'check' },
    confirm: { kind: 'input', prompt: 'Go?', schema: z.object({ go: z.boolean() }) },
    out: { kind: 'output', value: 'published' },
  },
  edges: [['review', 'confirm'], ['confirm', 'out']],
})

/** v2: a human approves instead of the tool; a later round of the question says it is one. */
const after = defineWorkflow({
  name: 'publish',
  description: 'v2: approved by a human',
  input: z.object({}),
  nodes: {
    review: { kind: 'input', prompt: state => (state.outputs.review === undefined ? 'Approve?' : 'Approve the revised draft?'), schema: z.object({ approved: z.boolean() }) },
    confirm: { kind: 'input', prompt: 'Go?', schema: z.object({ go: z.boolean() }) },
    out: { kind: 'output', value: 'published' },
  },
  edges: [['review', 'confirm'], ['confirm', 'out']],
})

/** The state the new owner reads: the question the lost owner left open voided, as the takeover does. */
function takenOver(state: JobState): JobState {
  const open = state.pendingInputs[0]!
  return reduceEvents(state, [{ type: 'input-response', requestId: open.requestId, answer: null, answeredAt: 0, answeredBy: 'system:owner-lost', seq: state.seq + 1, at: 0 }])
}

describe('a node whose kind changed in a deploy, taken over twice', () => {
  it('does not keep the old kind\'s output as its previous output', async () => {
    const old = startWorkflow(before, {}, { tools: [check] })
    await old.nextInput()
    const first = takenOver(old.state())
    old.abort()
    await old.done

    const resumed = startWorkflow(after, {}, { tools: [check], resumedFrom: first, continueLog: true })
    await resumed.nextInput()
    expect(resumed.state().pendingInputs.map(input => input.prompt)).toEqual(['Approve?'])
    expect(resumed.state().nodeStates.review).not.toHaveProperty('previousOutput')
    const second = takenOver(resumed.state())
    resumed.abort()
    await resumed.done

    const again = startWorkflow(after, {}, { tools: [check], resumedFrom: second, continueLog: true })
    await again.nextInput()
    expect(again.state().pendingInputs.map(input => input.prompt)).toEqual(['Approve?'])
    again.abort()
    await again.done
  })
})
