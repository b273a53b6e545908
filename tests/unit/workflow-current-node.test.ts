/**
 * `currentNodeId` while a parallel node's branches run: when the branch started last ends, the
 * current node is the latest one still running or waiting. Before, it became null although a
 * sibling branch still waited for a human (the job `waiting` on it), so a viewer (the demo's
 * workflow progress) marked no step as current.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowEngine } from '../support/workflow-engine'

const twoQuestions = defineWorkflow({
  name: 'two-questions',
  description: 'asks two questions at once',
  input: z.object({}),
  nodes: {
    fan: { kind: 'parallel', branches: ['first', 'second'] },
    first: { kind: 'input', prompt: 'First?', schema: z.object({ ok: z.boolean() }) },
    second: { kind: 'input', prompt: 'Second?', schema: z.object({ ok: z.boolean() }) },
    done: { kind: 'output', value: 'Done.' },
  },
  edges: [['fan', 'done']],
})

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('currentNodeId in a parallel node', () => {
  it('is the branch still waiting once the other one is answered', async () => {
    const { engine, start, state, answer } = createWorkflowEngine([twoQuestions])
    const jobId = await start('two-questions')
    await vi.advanceTimersByTimeAsync(10)
    expect((await state(jobId)).currentNodeId).toBe('second')

    await answer(jobId, 'second', { ok: true })
    const waiting = await state(jobId)
    expect(waiting.status).toBe('waiting')
    expect(waiting.nodeStates.first!.status).toBe('waiting')
    expect(waiting.currentNodeId).toBe('first')

    await answer(jobId, 'first', { ok: true })
    await engine.whenSettled(jobId)
    const ended = await state(jobId)
    expect(ended.status).toBe('completed')
    expect(ended.currentNodeId).toBeNull()
  })

  it('falls back to the parallel node, then to none, as the nodes end', () => {
    const at = 1_000
    const events = [
      { seq: 1, at, type: 'node-start', nodeId: 'fan', kind: 'parallel' },
      { seq: 2, at, type: 'node-start', nodeId: 'a', kind: 'agent' },
      { seq: 3, at, type: 'node-start', nodeId: 'b', kind: 'agent' },
      { seq: 4, at, type: 'node-end', nodeId: 'a', status: 'completed', output: 'x' },
      { seq: 5, at, type: 'node-end', nodeId: 'b', status: 'completed', output: 'y' },
    ] as const
    const base = createJobState({ id: 'job-1', type: 'workflow', createdAt: 0 })
    expect(reduceEvents(base, events.slice(0, 4)).currentNodeId).toBe('b')
    expect(reduceEvents(base, events.slice(0, 5)).currentNodeId).toBe('fan')
    expect(reduceEvents(base, [...events, { seq: 6, at, type: 'node-end', nodeId: 'fan', status: 'completed', output: {} }]).currentNodeId).toBeNull()
  })
})
