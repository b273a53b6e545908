/**
 * A blank `reason` beside a workflow input's answer (`POST …/input { requestId, answer, reason: '' }`,
 * a form's empty reason box), or a null one inside it, is no reason: the answer is taken. It was
 * refused (`400 Invalid answer: reason: this input has no field for a reason`) whenever the schema
 * had no reason field, although nothing would be dropped — while the same body answers a tool
 * approval (tool-approval.ts reads a blank reason as none). A reason that says something is still
 * refused there, and a schema with a reason field still gets what was sent.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { withReason } from '../../server/lib/http/schemas'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

function askWith(schema: z.ZodType) {
  return defineWorkflow({
    name: 'ask',
    description: 'asks once',
    input: z.object({}),
    nodes: {
      ask: { kind: 'input', prompt: 'Approve?', schema },
      done: { kind: 'output', value: '{{outputs.ask}}' },
    },
    edges: [['ask', 'done']],
  })
}

async function answered(schema: z.ZodType, answer: unknown): Promise<unknown> {
  const job = startWorkflow(askWith(schema), {})
  await job.nextInput()
  job.answer(answer)
  await job.done
  expect(job.error()).toBeUndefined()
  return job.state().nodeStates.ask!.output
}

const approval = z.object({ approved: z.boolean() })

describe('a blank reason with a workflow answer', () => {
  it.each([
    ['empty, beside an object answer', approval, withReason({ approved: true }, ''), { approved: true }],
    ['whitespace, beside an object answer', approval, withReason({ approved: true }, '  '), { approved: true }],
    ['null, inside the answer', approval, { approved: true, reason: null }, { approved: true }],
    ['empty, beside an answer that is no object', z.enum(['approve', 'reject']), withReason('approve', ''), 'approve'],
    ['empty, beside an answer of a strict schema', approval.strict(), withReason({ approved: false }, ''), { approved: false }],
  ])('%s: is taken without it', async (_what, schema, answer, output) => {
    expect(await answered(schema, answer)).toEqual(output)
  })

  it('a schema with a reason field still gets the reason as sent', async () => {
    expect(await answered(z.object({ approved: z.boolean(), reason: z.string() }), withReason({ approved: true }, ''))).toEqual({ approved: true, reason: '' })
  })

  it('a reason that says something is still refused where the schema has no field for it', async () => {
    const job = startWorkflow(askWith(approval), {})
    await job.nextInput()
    expect(() => job.answer(withReason({ approved: true }, 'fine'))).toThrow('Invalid answer: reason: this input has no field for a reason')
    expect(job.state().status).toBe('waiting')
  })
})
