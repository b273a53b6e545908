/**
 * Rolling deploy: the new version of a workflow adds an input field with a default
 * (`depth: z.number().default(3)`) and a node that reads it, while jobs of the old version wait for
 * an answer. The instance taking such a job over checks its stored input against the new schema
 * (it passes: the default fills the field in), then ran the job with the input as stored, without
 * the field: once the human answered, the job failed `Node "out" failed: {{input.depth}}: "depth"
 * does not exist`. A field the stored input lacks is now taken from the check's parse (the new
 * default); the fields it has are still read as stored, so a transform does not apply twice.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { JobState } from '../../shared/reducer'
import { reduceEvents } from '../../shared/reducer'
import type { WorkflowJobRequest } from '../../server/lib/providers/types'
import { checkStoredRequest } from '../../server/lib/stored-request'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowFakeContext, startWorkflow } from '../support/workflow-fake-context'

const ask = { kind: 'input', prompt: 'Go?', schema: z.object({ go: z.boolean() }) } as const
// Dollars to cents: a transform that keeps the shape (applied once, when the job was created).
const cents = z.number().transform(dollars => dollars * 100)

const before = defineWorkflow({
  name: 'research',
  description: 'v1',
  input: z.object({ topic: z.string(), budget: cents }),
  nodes: { ask, out: { kind: 'output', value: '{{input.topic}} {{input.budget}}' } },
  edges: [['ask', 'out']],
})

/** v2, deployed while jobs of v1 waited at `ask`: a new input field with a default, read by `out`. */
const after = defineWorkflow({
  name: 'research',
  description: 'v2',
  input: z.object({ topic: z.string(), budget: cents, depth: z.number().default(3) }),
  nodes: { ask, out: { kind: 'output', value: '{{input.topic}} {{input.budget}} depth {{input.depth}}' } },
  edges: [['ask', 'out']],
})

/** The state the new owner reads: the question the lost owner left open voided, as the takeover does. */
function takenOver(state: JobState): JobState {
  const open = state.pendingInputs[0]!
  return reduceEvents(state, [{ type: 'input-response', requestId: open.requestId, answer: null, answeredAt: 0, answeredBy: 'system:owner-lost', seq: state.seq + 1, at: 0 }])
}

describe('a job taken over by a version whose input has a new field with a default', () => {
  it('runs with the new default and the stored fields as they were', async () => {
    const old = startWorkflow(before, { topic: 'cats', budget: 2 })
    await old.nextInput()
    // The request as the store holds it: the input as v1's schema returned it.
    const stored = { type: 'workflow', workflow: 'research', input: { topic: 'cats', budget: 200 } }
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
    expect(check).toMatchObject({ ok: true, request: { input: { topic: 'cats', budget: 200, depth: 3 } } })
  })
})
