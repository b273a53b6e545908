/**
 * Rolling deploy: the new version of a workflow adds a node before steps a waiting job already
 * finished. The instance that takes the job over runs the new node, then reuses what the job had
 * finished (docs/workflows.md, "a node that finished never runs twice"). Before, a node run for
 * real marked everything the log held after it as a round behind, even a node the log never
 * started: every finished step after the new one ran again (a tool's side effects twice).
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { JobState } from '../../shared/reducer'
import { reduceEvents } from '../../shared/reducer'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

const sent: string[] = []
const send = defineTool({ name: 'send', description: 'sends an email', parameters: z.object({}), execute: () => { sent.push('email'); return 'sent' } })
const check = defineTool({ name: 'check', description: 'checks the order', parameters: z.object({}), execute: () => 'checked' })

const nodes = {
  notify: { kind: 'tool', tool: 'send' },
  ask: { kind: 'input', prompt: 'Ship it?', schema: z.object({ ok: z.boolean() }) },
  out: { kind: 'output', value: '{{outputs.notify}} {{outputs.ask.ok}}' },
} as const

const before = defineWorkflow({
  name: 'order',
  description: 'v1',
  input: z.object({}),
  nodes: { ...nodes },
  edges: [['notify', 'ask'], ['ask', 'out']],
})

/** v2, deployed while jobs of v1 waited: a check before the email, and one between it and the question. */
const after = defineWorkflow({
  name: 'order',
  description: 'v2',
  input: z.object({}),
  start: 'check',
  nodes: { check: { kind: 'tool', tool: 'check' }, ...nodes, audit: { kind: 'tool', tool: 'check' } },
  edges: [['check', 'notify'], ['notify', 'audit'], ['audit', 'ask'], ['ask', 'out']],
})

/** The state the new owner reads: the question the lost owner left open voided, as the takeover does. */
function takenOver(state: JobState): JobState {
  const open = state.pendingInputs[0]!
  return reduceEvents(state, [{ type: 'input-response', requestId: open.requestId, answer: null, answeredAt: 0, answeredBy: 'system:owner-lost', seq: state.seq + 1, at: 0 }])
}

describe('a job of the old version taken over by an instance with new nodes in the workflow', () => {
  it('runs the new nodes and reuses the steps it had finished', async () => {
    sent.length = 0
    const old = startWorkflow(before, {}, { tools: [send, check] })
    await old.nextInput()
    const resumedFrom = takenOver(old.state())
    old.abort()
    await old.done
    expect(sent).toEqual(['email'])

    const resumed = startWorkflow(after, {}, { tools: [send, check], resumedFrom })
    await resumed.nextInput()
    resumed.answer({ ok: true })
    await resumed.done
    expect(resumed.error()).toBeUndefined()
    expect(resumed.nodeLog()).toEqual(['start:check', 'completed:check', 'start:audit', 'completed:audit', 'start:ask', 'completed:ask', 'start:out', 'completed:out'])
    expect(sent).toEqual(['email'])
    expect(resumed.state().content).toBe('sent true')
  })
})
