/**
 * A `reason` sent beside an answer (`POST …/input { requestId, answer, reason }`) to an input node
 * whose schema is not an object (`z.enum(['approve', 'reject'])`, as docs/workflows.md suggests for
 * approve/reject) is refused naming the reason. Before, the 400 said the answer itself was wrong
 * (`(root): Invalid option: expected one of "approve"|"reject"`) although it was one of them: the
 * route hands a reason on inside the answer (`{ answer, reason }`), and that wrapper was what failed.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { withReason } from '../../server/lib/http/schemas'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

const review = defineWorkflow({
  name: 'review',
  description: 'asks approve or reject',
  input: z.object({}),
  nodes: {
    decide: { kind: 'input', prompt: 'Approve?', schema: z.enum(['approve', 'reject']) },
    done: { kind: 'output', value: 'Decided: {{outputs.decide}}' },
  },
  edges: [['decide', 'done']],
})

describe('a reason beside the answer of a non-object input', () => {
  it('is refused naming the reason, and the job keeps waiting', async () => {
    const job = startWorkflow(review, {})
    await job.nextInput()
    expect(() => job.answer(withReason('approve', 'looks good'))).toThrow(/^Invalid answer: reason: this input has no field for a reason$/)
    expect(job.state().status).toBe('waiting')

    expect(() => job.answer(withReason('maybe', 'unsure'))).toThrow(/^Invalid answer: answer: /)
    job.answer('approve')
    await job.done
    expect(job.state().content).toBe('Decided: approve')
  })
})
