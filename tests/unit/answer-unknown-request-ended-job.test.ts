/**
 * An answer to a request id a job never asked (a typo, another job's id), sent after the job
 * ended, was a 409 saying the request "belongs to a job that has ended": the client was told its
 * question existed and was cut off, not that its id is wrong. The stored log says which it is; a
 * request the job did ask still gets the old words.
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

async function endedJob() {
  const workflow = createWorkflowEngine([ask])
  const jobId = await workflow.start('ask')
  await vi.advanceTimersByTimeAsync(10)
  const requestId = await workflow.requestOf(jobId, 'ask')
  await workflow.engine.abortJob(USER, jobId)
  await workflow.engine.whenSettled(jobId)
  expect((await workflow.state(jobId)).status).toBe('aborted')
  const answer = (id: string) => workflow.engine.answerInput(USER, jobId, { requestId: id, answer: { ok: true } }).then(() => null, (error: unknown) => error)
  return { jobId, requestId, answer }
}

describe('an answer to an ended job', () => {
  it('to a request it never asked is a 409 saying so, not that the request belongs to the job', async () => {
    const { jobId, answer } = await endedJob()
    const refusal = await answer('no-such-request')
    expect(refusal).toBeInstanceOf(InputConflictError)
    expect((refusal as Error).message).toBe(`Input request no-such-request was never asked by job ${jobId}, which has ended: check the request id`)
  })

  it('to the request it asked still says it belongs to a job that has ended', async () => {
    const { requestId, answer } = await endedJob()
    const refusal = await answer(requestId)
    expect(refusal).toBeInstanceOf(InputConflictError)
    expect((refusal as Error).message).toBe(`Input request ${requestId} belongs to a job that has ended`)
  })
})
