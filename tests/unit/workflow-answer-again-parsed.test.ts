/**
 * The same answer sent again by the user it was taken from (the retry of a `503` or of a lost
 * response whose answer went through) is that answer: `200 { ok: true, stored: true }`
 * (docs/api.md). A workflow input's answer is stored as its schema returned it; when the schema
 * changed what was sent (a default filled in, text trimmed, a number coerced), the retry was
 * compared with the stored value as sent and refused `409 … was already answered or expired`,
 * telling the user an answer the job had taken was refused.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowEngine, USER } from '../support/workflow-engine'

/** Answers after a while, so the job is still running when the answer is sent again. */
const slow = defineTool({ name: 'slow', description: 'takes a second', parameters: z.object({}), execute: () => new Promise<string>(resolve => setTimeout(() => resolve('ok'), 1_000)) })

const schema = z.object({ approved: z.boolean(), feedback: z.string().trim().default(''), count: z.coerce.number().optional() })

const review = defineWorkflow({
  name: 'review',
  description: 'asks, then works a while',
  input: z.object({}),
  nodes: {
    ask: { kind: 'input', prompt: 'Approve?', schema },
    work: { kind: 'tool', tool: 'slow' },
    end: { kind: 'output', value: '{{outputs.ask}}' },
  },
  edges: [['ask', 'work'], ['work', 'end']],
})

beforeEach(() => { vi.useFakeTimers() })
afterEach(() => { vi.useRealTimers() })

describe('a workflow answer sent again', () => {
  it.each([
    ['a default filled in', { approved: true }],
    ['text trimmed', { approved: true, feedback: '  fine  ' }],
    ['a number coerced', { approved: false, count: '3' }],
  ])('%s: is the answer taken, while the job runs and after it ended', async (_what, answer) => {
    const { engine, start, state, requestOf } = createWorkflowEngine([review], { tools: [slow] })
    const jobId = await start('review')
    await vi.advanceTimersByTimeAsync(10)
    const requestId = await requestOf(jobId, 'ask')
    await expect(engine.answerInput(USER, jobId, { requestId, answer })).resolves.toEqual({ stored: true })
    await expect(engine.answerInput(USER, jobId, { requestId, answer })).resolves.toEqual({ stored: true })
    await vi.advanceTimersByTimeAsync(1_000)
    await engine.whenSettled(jobId)
    expect((await state(jobId)).status).toBe('completed')
    await expect(engine.answerInput(USER, jobId, { requestId, answer })).resolves.toEqual({ stored: true })
  })

  it('another answer is still refused', async () => {
    const { engine, start, requestOf } = createWorkflowEngine([review], { tools: [slow] })
    const jobId = await start('review')
    await vi.advanceTimersByTimeAsync(10)
    const requestId = await requestOf(jobId, 'ask')
    await engine.answerInput(USER, jobId, { requestId, answer: { approved: true } })
    await expect(engine.answerInput(USER, jobId, { requestId, answer: { approved: false } })).rejects.toMatchObject({ statusCode: 409 })
    await expect(engine.answerInput(USER, jobId, { requestId, answer: { approved: true, feedback: 'other' } })).rejects.toMatchObject({ statusCode: 409 })
  })
})
