/**
 * An input node's `onTimeout`, end to end through a real engine: what the job's status, error and
 * node states are once nobody answered, and that nothing stays behind.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import type { InputTimeoutAction } from '../../shared/events'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { InputConflictError } from '../../server/lib/errors'
import { createWorkflowEngine, USER } from '../support/workflow-engine'

const TIMEOUT_MS = 1_000

function askOnce(onTimeout: InputTimeoutAction) {
  return defineWorkflow({
    name: 'ask-once',
    description: 'asks one question',
    input: z.object({}),
    nodes: {
      ask: { kind: 'input', prompt: 'Ship it?', schema: z.string(), timeoutMs: TIMEOUT_MS, onTimeout },
      done: { kind: 'output', value: 'answer: {{outputs.ask}}' },
    },
    edges: [['ask', 'done']],
  })
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('input node onTimeout, through the engine', () => {
  it('abort: the job ends aborted (not failed), code input-timeout, naming the node; nothing leaks', async () => {
    const { engine, start, state, requestOf } = createWorkflowEngine([askOnce('abort')])
    const jobId = await start('ask-once')
    await vi.advanceTimersByTimeAsync(10)
    const requestId = await requestOf(jobId, 'ask')
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS)
    await engine.whenSettled(jobId)
    const ended = await state(jobId)
    expect(ended.status).toBe('aborted')
    expect(ended.error).toMatchObject({ code: 'input-timeout', message: 'Nobody answered "Ship it?" (node "ask") in time' })
    expect(ended.pendingInputs).toEqual([])
    // The job was aborted (its onTimeout), so the node it cut off is `stopped` (reducer, 7523799);
    // the job's error names the node and why.
    expect(ended.nodeStates.ask!.status).toBe('stopped')
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0, pendingInputs: 0 })
    await expect(engine.answerInput('user-1', jobId, { requestId, answer: 'late' })).rejects.toMatchObject({ statusCode: 409 })
  })

  it('fail: the job ends failed with input-timeout, the node failed and named', async () => {
    const { engine, start, state } = createWorkflowEngine([askOnce('fail')])
    const jobId = await start('ask-once')
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS + 10)
    await engine.whenSettled(jobId)
    const ended = await state(jobId)
    expect(ended.status).toBe('failed')
    expect(ended.error).toMatchObject({ code: 'input-timeout', nodeId: 'ask', failedDuring: 'workflow-node', message: 'Nobody answered "Ship it?" (node "ask") in time' })
    expect(ended.failedNodeId).toBe('ask')
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0, pendingInputs: 0 })
  })

  it('an answer one millisecond before the expiry wins; the expiry then does nothing', async () => {
    const { engine, start, state, answer } = createWorkflowEngine([askOnce('abort')])
    const jobId = await start('ask-once')
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS - 1)
    await answer(jobId, 'ask', 'yes')
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS)
    await engine.whenSettled(jobId)
    const ended = await state(jobId)
    expect(ended.status).toBe('completed')
    expect(ended.content).toBe('answer: yes')
  })
  it.each(['default', 'fail'] as const)('an answer after the expiry (onTimeout %s) is a 409 naming the request; the outcome stays the expiry\'s', async (onTimeout) => {
    const workflow = defineWorkflow({
      name: 'ask-late',
      description: 'asks one question',
      input: z.object({}),
      nodes: {
        ask: { kind: 'input', prompt: 'Ship it?', schema: z.string(), timeoutMs: TIMEOUT_MS, onTimeout, ...(onTimeout === 'default' ? { timeoutAnswer: 'not answered' } : {}) },
        done: { kind: 'output', value: 'answer: {{outputs.ask}}' },
      },
      edges: [['ask', 'done']],
    })
    const { engine, start, state, requestOf } = createWorkflowEngine([workflow])
    const jobId = await start('ask-late')
    await vi.advanceTimersByTimeAsync(10)
    const requestId = await requestOf(jobId, 'ask')
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS)
    await engine.whenSettled(jobId)
    const late = engine.answerInput(USER, jobId, { requestId, answer: 'yes' })
    await expect(late).rejects.toBeInstanceOf(InputConflictError)
    await expect(late).rejects.toThrow(requestId)
    const ended = await state(jobId)
    if (onTimeout === 'default') {
      expect(ended.status).toBe('completed')
      expect(ended.content).toBe('answer: not answered')
    }
    else {
      expect(ended.status).toBe('failed')
      expect(ended.error?.code).toBe('input-timeout')
    }
    // The timeout answer is in the log; a failed job's expiry is its error (the question is closed).
    expect(ended.answeredInputs.map(input => input.answer)).toEqual(onTimeout === 'default' ? ['not answered'] : [])
    expect(ended.pendingInputs).toEqual([])
  })
})
