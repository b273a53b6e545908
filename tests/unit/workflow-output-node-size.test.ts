/**
 * An output node whose value is too large to record fails before it writes to the job's content.
 * Before, it wrote the whole value to the content and only then failed (`node-output-too-large`):
 * the failed job showed the complete result as its text, as if it had worked.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowEngine } from '../support/workflow-engine'

const STORE_LIMIT = 8_192

const report = defineWorkflow({
  name: 'report',
  description: 'writes a long report',
  input: z.object({}),
  nodes: {
    long: { kind: 'output', value: () => 'x'.repeat(20_000) },
  },
  edges: [],
})

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('an output node too large to record', () => {
  it('fails without writing its value to the content', async () => {
    const { engine, start, state } = createWorkflowEngine([report], { maxBatchBytes: STORE_LIMIT })
    const jobId = await start('report')
    await vi.advanceTimersByTimeAsync(10)
    await engine.whenSettled(jobId)
    const ended = await state(jobId)
    expect(ended.status).toBe('failed')
    expect(ended.error).toMatchObject({ code: 'node-output-too-large', nodeId: 'long' })
    expect(ended.nodeStates.long).toMatchObject({ status: 'failed' })
    expect(ended.content).toBe('')
    await engine.dispose()
  })
})
