/**
 * Rolling deploy: the new version adds a field with a default INSIDE a nested object of the
 * workflow's input (`options.depth`) or of an input node's answer (`review.reviewer`), and a later
 * node reads it. Top-level fields a deploy added were filled in for a resumed job (the check's
 * parse, added-fields.ts), nested ones were not: once the human answered, the resumed job failed
 * `{{input.options.depth}}: "depth" does not exist`. Fields the recorded value has, nested or not,
 * are still read as recorded (a transform does not apply twice).
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { JobState } from '../../shared/reducer'
import { reduceEvents } from '../../shared/reducer'
import type { WorkflowJobRequest } from '../../server/lib/providers/types'
import { checkStoredRequest } from '../../server/lib/stored-request'
import { recordedAnswerAsReadNow } from '../../server/lib/workflows/recorded-answer'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowFakeContext, startWorkflow } from '../support/workflow-fake-context'

const ask = { kind: 'input', prompt: 'Go?', schema: z.object({ go: z.boolean() }) } as const
// Dollars to cents: a transform that keeps the shape (applied once, when the job was created).
const cents = z.number().transform(dollars => dollars * 100)

const before = defineWorkflow({
  name: 'research',
  description: 'v1',
  input: z.object({ topic: z.string(), options: z.object({ budget: cents }) }),
  nodes: { ask, out: { kind: 'output', value: '{{input.topic}} {{input.options.budget}}' } },
  edges: [['ask', 'out']],
})

/** v2, deployed while jobs of v1 waited at `ask`: a nested input field with a default, read by `out`. */
const after = defineWorkflow({
  name: 'research',
  description: 'v2',
  input: z.object({ topic: z.string(), options: z.object({ budget: cents, depth: z.number().default(3) }) }),
  nodes: { ask, out: { kind: 'output', value: '{{input.topic}} {{input.options.budget}} depth {{input.options.depth}}' } },
  edges: [['ask', 'out']],
})

/** The state the new owner reads: the question the lost owner left open voided, as the takeover does. */
function takenOver(state: JobState): JobState {
  const open = state.pendingInputs[0]!
  return reduceEvents(state, [{ type: 'input-response', requestId: open.requestId, answer: null, answeredAt: 0, answeredBy: 'system:owner-lost', seq: state.seq + 1, at: 0 }])
}

describe('a field a deploy added with a default inside a nested object', () => {
  it('is filled in for the stored input of a resumed job, the stored fields kept as they were', async () => {
    const old = startWorkflow(before, { topic: 'cats', options: { budget: 2 } })
    await old.nextInput()
    const stored = { type: 'workflow', workflow: 'research', input: { topic: 'cats', options: { budget: 200 } } }
    const resumedFrom = takenOver(old.state())
    old.abort()
    await old.done

    const resumed = createWorkflowFakeContext({ workflows: [after], resumedFrom })
    const check = checkStoredRequest(stored, { config: resumed.context.config, tools: resumed.context.tools, workflows: resumed.context.workflows })
    let failure: unknown
    const done = runWorkflowJob(resumed.context, (check as { request: WorkflowJobRequest }).request).catch((error: unknown) => {
      failure = error
    })
    await resumed.nextInput()
    resumed.answer({ go: true })
    await done
    expect(String(failure)).toBe('undefined')
    expect(resumed.state().content).toBe('cats 200 depth 3')
  })

  it('is filled in for a recorded answer, in objects and in the objects of a list', () => {
    const node = {
      kind: 'input',
      prompt: 'Review?',
      schema: z.object({
        review: z.object({ ok: z.boolean(), score: cents, reviewer: z.string().default('team') }),
        notes: z.array(z.object({ text: z.string(), level: z.string().default('info') })),
      }),
    } as const
    const recorded = { review: { ok: true, score: 300 }, notes: [{ text: 'a' }, { text: 'b', level: 'warn' }] }
    expect(recordedAnswerAsReadNow(node, recorded)).toEqual({
      review: { ok: true, score: 300, reviewer: 'team' },
      notes: [{ text: 'a', level: 'info' }, { text: 'b', level: 'warn' }],
    })
  })

  it('is not taken from another item of a list the schema reorders', () => {
    const node = {
      kind: 'input',
      prompt: 'Notes?',
      schema: z.object({ notes: z.array(z.object({ text: z.string(), level: z.string().default('info') })).transform(notes => notes.toSorted((a, b) => a.text.localeCompare(b.text))) }),
    } as const
    const recorded = { notes: [{ text: 'b' }, { text: 'a', level: 'warn' }] }
    expect(recordedAnswerAsReadNow(node, recorded)).toEqual(recorded)
  })
})
