/**
 * An input node whose schema turns the answer into a value JSON cannot keep (`z.coerce.bigint()`)
 * fails its node naming the value, and the answer is recorded as sent. Before, recording the
 * parsed answer threw `TypeError: Do not know how to serialize a BigInt` out of the answer call
 * (a 500) after the request was already closed: the job kept showing the question and waiting,
 * every later answer was a 409 "already answered", and only the job's time limit ended it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowEngine } from '../support/workflow-engine'

const askAmount = defineWorkflow({
  name: 'ask-amount',
  description: 'asks for an amount, then confirms it',
  input: z.object({}),
  nodes: {
    ask: { kind: 'input', prompt: 'How much?', schema: z.object({ amount: z.coerce.bigint() }) },
    done: { kind: 'output', value: 'noted' },
  },
  edges: [['ask', 'done']],
})

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('an input node answer its schema turns into a value JSON cannot keep', () => {
  it('is recorded as sent and fails the node naming the value; the job ends at once and holds nothing', async () => {
    const { engine, start, state, answer } = createWorkflowEngine([askAmount])
    const jobId = await start('ask-amount')
    await vi.advanceTimersByTimeAsync(10)
    expect((await state(jobId)).status).toBe('waiting')

    await expect(answer(jobId, 'ask', { amount: '12' })).resolves.toBeUndefined()
    await engine.whenSettled(jobId)
    const ended = await state(jobId)
    expect(ended.status).toBe('failed')
    expect(ended.error).toMatchObject({ code: 'node-failed', nodeId: 'ask' })
    expect(ended.error?.message).toBe('Node "ask" failed: its answer, as its schema returned it, is not JSON-serialisable: a BigInt at answer.amount (return it as a string or a number)')
    expect(ended.pendingInputs).toEqual([])
    expect(ended.answeredInputs).toMatchObject([{ answer: { amount: '12' }, nodeId: 'ask' }])
    expect(ended.nodeStates.ask).toMatchObject({ status: 'failed' })
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0, pendingInputs: 0 })
    await engine.dispose()
  })
})
