/**
 * The same answer sent again once the user's refused values spent the validation budget is the
 * answer taken, not a 429 (answer-retry-spent-budget.test.ts) — also when the input node's schema
 * changed what was sent (a default filled in), as the same answer is judged everywhere else
 * (workflows/answer-as-read.ts). The budget's check compared it as sent: the retry of a taken
 * answer was refused `429 Too many problems in refused values`, telling the client its answer had
 * not gone through.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { InvalidRequestError } from '../../server/lib/errors'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowEngine, USER } from '../support/workflow-engine'

const survey = defineWorkflow({
  name: 'survey',
  description: 'asks two questions',
  input: z.object({ tags: z.array(z.string()) }),
  nodes: {
    first: { kind: 'input', prompt: 'First?', schema: z.object({ pick: z.string(), note: z.string().default('') }) },
    second: { kind: 'input', prompt: 'Second?', schema: z.object({ pick: z.string() }) },
    done: { kind: 'output', value: 'Done' },
  },
  edges: [['first', 'second'], ['second', 'done']],
})

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

async function until(check: () => Promise<boolean>) {
  for (let attempt = 0; attempt < 100 && !await check(); attempt++) await vi.advanceTimersByTimeAsync(10)
}

describe('the same answer again, read with a default by its schema, once the validation budget is spent', () => {
  it('is the answer taken (stored), not a 429', async () => {
    const { engine, start, state, requestOf } = createWorkflowEngine([survey], { config: { limits: { createPerMinute: 0 } } })
    const jobId = await start('survey', { tags: [] })
    await until(async () => (await state(jobId)).pendingInputs.some(input => input.nodeId === 'first'))
    const first = await requestOf(jobId, 'first')
    await expect(engine.answerInput(USER, jobId, { requestId: first, answer: { pick: 'a' } })).resolves.toEqual({ stored: true })
    await until(async () => (await state(jobId)).pendingInputs.some(input => input.nodeId === 'second'))
    expect((await state(jobId)).nodeStates.first).toMatchObject({ output: { pick: 'a', note: '' } })

    // One workflow input with 10,001 wrong items spends the minute's budget (over 10,000 problems).
    const refused = await engine.createJob(USER, { request: { type: 'workflow', workflow: 'survey', input: { tags: Array.from({ length: 10_001 }, () => 1) } }, limitRate: true }).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(InvalidRequestError)

    // The retry of the first answer (its response was lost), as the client sent it.
    const again = await engine.answerInput(USER, jobId, { requestId: first, answer: { pick: 'a' } }).catch((error: unknown) => `${(error as Error).name}: ${(error as Error).message}`)
    expect(again).toEqual({ stored: true })
    await engine.dispose()
  })
})
