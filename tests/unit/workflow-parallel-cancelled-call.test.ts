/**
 * When one branch of a parallel node fails, its siblings are cancelled: their nodes end `skipped`
 * ("cancelled: another branch of the parallel node failed") and their tool calls' signals fire.
 * A call such a branch was running, or waiting for approval on, never gets a `tool-result`. It
 * used to stay `running` until the job's end marked it `error` with "job failed (node-failed)",
 * as though the tool itself had broken. It is cut off by the cancellation, as a call an abort cuts
 * off is: `stopped`, with the cancellation as its error, from the skipped node's end on.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowEngine } from '../support/workflow-engine'

beforeEach(() => { vi.useFakeTimers() })
afterEach(() => { vi.useRealTimers() })

const slow = defineTool({
  name: 'slow',
  description: 'waits for its signal',
  parameters: z.object({}),
  execute: (_args, { signal }) => new Promise((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true })
  }),
})

const guarded = defineTool({
  name: 'guarded',
  description: 'needs approval',
  parameters: z.object({}),
  needsApproval: true,
  execute: () => ({ done: true }),
})

const boom = defineTool({
  name: 'boom',
  description: 'fails after a moment',
  parameters: z.object({}),
  execute: async () => {
    await new Promise(resolve => setTimeout(resolve, 100))
    throw new Error('boom')
  },
})

const fanOut = defineWorkflow({
  name: 'fan-out',
  description: 'one branch fails while the others run a tool or wait for its approval',
  input: z.object({}),
  nodes: {
    fan: { kind: 'parallel', branches: ['wait', 'ask', 'bad'] },
    wait: { kind: 'tool', tool: 'slow' },
    ask: { kind: 'tool', tool: 'guarded' },
    bad: { kind: 'tool', tool: 'boom' },
    out: { kind: 'output', value: 'never' },
  },
  edges: [['fan', 'out']],
})

it('the cancelled branches\' calls end stopped with the cancellation, not error "job failed"', async () => {
  const { engine, start, state } = createWorkflowEngine([fanOut], { tools: [slow, guarded, boom] })
  const jobId = await start('fan-out')
  await vi.advanceTimersByTimeAsync(10)
  expect((await state(jobId)).toolCalls.map(call => [call.nodeId, call.status])).toEqual([['wait', 'running'], ['ask', 'waiting-approval'], ['bad', 'running']])
  await vi.advanceTimersByTimeAsync(200)
  await engine.whenSettled(jobId)
  const ended = await state(jobId)
  await engine.dispose()
  expect(ended.status).toBe('failed')
  expect(ended.error?.message).toMatch(/^Node "bad" failed: tool "boom" ended with error/)
  expect(ended.nodeStates.wait).toMatchObject({ status: 'skipped' })
  const cancelled = 'cancelled: another branch of the parallel node failed'
  expect(ended.toolCalls.map(call => ({ node: call.nodeId, status: call.status, error: call.error }))).toEqual([
    { node: 'wait', status: 'stopped', error: cancelled },
    { node: 'ask', status: 'stopped', error: cancelled },
    { node: 'bad', status: 'error', error: 'Tool "boom" failed' },
  ])
})
