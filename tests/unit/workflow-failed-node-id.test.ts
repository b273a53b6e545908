/** The state names the node that failed the job: in a parallel fan-out, the branch node, not the container. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowEngine } from '../support/workflow-engine'

beforeEach(() => { vi.useFakeTimers() })
afterEach(() => { vi.useRealTimers() })

const stuck = defineTool({ name: 'stuck', description: 's', parameters: z.object({}), execute: () => new Promise(() => {}), timeoutMs: 10_000_000 })
const quick = defineTool({ name: 'quick', description: 'q', parameters: z.object({}), execute: () => 'ok' })

describe('failedNodeId in a parallel fan-out', () => {
  it('names the branch node that failed, as the job error does', async () => {
    const wf = defineWorkflow({
      name: 'w',
      description: 'd',
      input: z.object({}),
      nodes: { fan: { kind: 'parallel', branches: ['a', 'b'] }, a: { kind: 'tool', tool: 'stuck' }, b: { kind: 'tool', tool: 'quick' }, done: { kind: 'output', value: 'x' } },
      edges: [['fan', 'done']],
    })
    const { engine, start, state } = createWorkflowEngine([wf], { tools: [stuck, quick], config: { limits: { nodeTimeoutMs: 5_000 } } })
    const id = await start('w')
    await vi.advanceTimersByTimeAsync(5_000)
    await engine.whenSettled(id)
    const ended = await state(id)
    expect(ended.error).toMatchObject({ code: 'node-timeout', nodeId: 'a' })
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0, pendingInputs: 0 })
    expect(ended.failedNodeId).toBe('a')
  })
})
