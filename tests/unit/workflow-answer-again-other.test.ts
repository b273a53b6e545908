/**
 * Another answer to a workflow question already answered is a `409`, even when it only adds a
 * field: `{ approved: true, feedback: 'changed my mind' }` after `{ approved: true }`, where
 * `feedback` is an optional field of the schema. It was taken for "the same answer again" — the
 * stored answer's keys all matched, and keys the sent one had beyond them were taken for keys the
 * schema strips — and answered `200 { ok: true, stored: true }`, although the job never got the
 * feedback. Keys the schema does strip still make no difference.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowEngine, USER } from '../support/workflow-engine'

const slow = defineTool({ name: 'slow', description: 'takes a second', parameters: z.object({}), execute: () => new Promise<string>(resolve => setTimeout(() => resolve('ok'), 1_000)) })

const review = defineWorkflow({
  name: 'review',
  description: 'asks, then works a while',
  input: z.object({}),
  nodes: {
    ask: { kind: 'input', prompt: 'Approve?', schema: z.object({ approved: z.boolean(), feedback: z.string().optional() }) },
    work: { kind: 'tool', tool: 'slow' },
    end: { kind: 'output', value: '{{outputs.ask}}' },
  },
  edges: [['ask', 'work'], ['work', 'end']],
})

beforeEach(() => { vi.useFakeTimers() })
afterEach(() => { vi.useRealTimers() })

describe('another answer to a workflow question already answered', () => {
  it('is refused when it adds a field of the schema, while the job runs and after it ended', async () => {
    const { engine, start, state, requestOf } = createWorkflowEngine([review], { tools: [slow] })
    const jobId = await start('review')
    await vi.advanceTimersByTimeAsync(10)
    const requestId = await requestOf(jobId, 'ask')
    await engine.answerInput(USER, jobId, { requestId, answer: { approved: true } })
    const other = { approved: true, feedback: 'changed my mind' }
    await expect(engine.answerInput(USER, jobId, { requestId, answer: other })).rejects.toMatchObject({ statusCode: 409 })
    // A key the schema strips is no other answer.
    await expect(engine.answerInput(USER, jobId, { requestId, answer: { approved: true, unknown: 1 } })).resolves.toEqual({ stored: true })
    await vi.advanceTimersByTimeAsync(1_000)
    await engine.whenSettled(jobId)
    expect((await state(jobId)).content).toBe('{\n  "approved": true\n}')
    await expect(engine.answerInput(USER, jobId, { requestId, answer: other })).rejects.toMatchObject({ statusCode: 409 })
  })
})
