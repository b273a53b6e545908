/**
 * An answer that is wrong as a whole — a word where the question takes yes/no, an unknown key of
 * a strict object, a refine of the object — was refused `400 Invalid answer: (root): …`, as a
 * workflow's input was: "(root)" is nothing the client sent. It names the body's field of
 * `POST /api/jobs/:id/input`, `answer`, now; a field inside it is named under it (`answer.approved`). The job keeps
 * waiting either way.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowEngine } from '../support/workflow-engine'

beforeEach(() => { vi.useFakeTimers() })
afterEach(() => { vi.useRealTimers() })

const asking = (schema: z.ZodType) => defineWorkflow({
  name: 'ask',
  description: 'asks one question',
  input: z.object({}),
  nodes: { ask: { kind: 'input', prompt: 'Go on?', schema }, done: { kind: 'output', value: 'ok' } },
  edges: [['ask', 'done']],
})

async function refusal(schema: z.ZodType, answer: unknown) {
  const { engine, start, state, answer: reply } = createWorkflowEngine([asking(schema)])
  const jobId = await start('ask')
  await vi.advanceTimersByTimeAsync(10)
  const error = await reply(jobId, 'ask', answer).then(() => null, (failure: { statusCode?: number, message: string }) => failure)
  const status = (await state(jobId)).status
  await engine.dispose()
  return { statusCode: error?.statusCode, message: error?.message, status }
}

describe('a wrong answer as a whole', () => {
  it.each([
    ['a word for yes/no', z.boolean(), 'yes', 'Invalid answer: answer: Invalid input: expected boolean, received string; "yes" answers a tool approval, and this is a workflow question (input node "ask"): answer with a value its schema takes (the input request\'s `schema`)'],
    ['an unknown key of a strict object', z.strictObject({ approved: z.boolean() }), { approved: true, note: 'x' }, 'Invalid answer: answer: Unrecognized key: "note"'],
    ['a refine of the object', z.object({ min: z.number(), max: z.number() }).refine(range => range.min <= range.max, 'min must not be above max'), { min: 3, max: 1 }, 'Invalid answer: answer: min must not be above max'],
  ])('%s is a 400 naming `answer`, and the job keeps waiting', async (_case, schema, answer, message) => {
    expect(await refusal(schema, answer)).toEqual({ statusCode: 400, message, status: 'waiting' })
  })

  it('names a field inside it by its path under the body field', async () => {
    expect((await refusal(z.object({ approved: z.boolean() }), { approved: 'yes' })).message).toBe('Invalid answer: answer.approved: Invalid input: expected boolean, received string')
  })
})

// An app's page answered a workflow question as it answers a tool approval (client.md's example has
// both), and read only "expected object, received string": nothing said which kind of question it was.
describe('a tool approval\'s answer to a workflow question', () => {
  it.each(['approve', 'Deny'])('%s is a 400 saying the question is a workflow\'s, naming its node, and the job keeps waiting', async (word) => {
    expect(await refusal(z.object({ approved: z.boolean() }), word)).toEqual({
      statusCode: 400,
      message: `Invalid answer: answer: Invalid input: expected object, received string; "${word}" answers a tool approval, and this is a workflow question (input node "ask"): answer with a value its schema takes (the input request's \`schema\`)`,
      status: 'waiting',
    })
  })

  it('a word the question takes is its answer', async () => {
    expect((await refusal(z.enum(['approve', 'deny']), 'approve')).message).toBeUndefined()
  })
})

