/**
 * An answer that arrives while the job is being aborted (the abort came first, the job's end is
 * being stored) is refused with a 409 saying the job has ended. It said "is not pending on this
 * server", as if another server held the job, though this server had just ended it: the record
 * the route read before the abort still said `waiting`.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { InputConflictError } from '../../server/lib/errors'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowEngine, USER } from '../support/workflow-engine'

const ask = defineWorkflow({
  name: 'ask',
  description: 'asks once',
  input: z.object({}),
  nodes: {
    ask: { kind: 'input', prompt: 'Go on?', schema: z.object({ ok: z.boolean() }) },
    end: { kind: 'output', value: 'done' },
  },
  edges: [['ask', 'end']],
})

beforeEach(() => { vi.useFakeTimers() })
afterEach(() => { vi.useRealTimers() })

describe('an answer that arrives during the abort', () => {
  it('is a 409 saying the job has ended', async () => {
    const { engine, start, state, requestOf } = createWorkflowEngine([ask])
    const jobId = await start('ask')
    await vi.advanceTimersByTimeAsync(10)
    const requestId = await requestOf(jobId, 'ask')
    const aborting = engine.abortJob(USER, jobId)
    const answering = engine.answerInput(USER, jobId, { requestId, answer: { ok: true } }).then(() => null, (error: unknown) => error)
    await aborting
    const refusal = await answering
    expect(refusal).toBeInstanceOf(InputConflictError)
    expect((refusal as Error).message).toBe(`Input request ${requestId} belongs to a job that has ended`)
    await engine.whenSettled(jobId)
    expect((await state(jobId)).status).toBe('aborted')
  })
})
