/** limits.maxNodesPerJob reached inside a parallel node: the job's error and failedNodeId name the same node. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowEngine } from '../support/workflow-engine'

beforeEach(() => { vi.useFakeTimers() })
afterEach(() => { vi.useRealTimers() })

const quick = defineTool({ name: 'quick', description: 'q', parameters: z.object({}), execute: () => 'ok' })

describe('max-nodes inside a parallel node', () => {
  it('names the parallel node in the error, as failedNodeId does, and the branch that could not start in the message', async () => {
    const wf = defineWorkflow({
      name: 'w',
      description: 'd',
      input: z.object({}),
      nodes: { fan: { kind: 'parallel', branches: ['a', 'b', 'c'] }, a: { kind: 'tool', tool: 'quick' }, b: { kind: 'tool', tool: 'quick' }, c: { kind: 'tool', tool: 'quick' }, done: { kind: 'output', value: 'x' } },
      edges: [['fan', 'done']],
    })
    const { engine, start, state } = createWorkflowEngine([wf], { tools: [quick], config: { limits: { maxNodesPerJob: 3 } } })
    const id = await start('w')
    await engine.whenSettled(id)
    const ended = await state(id)
    expect(ended.status).toBe('failed')
    expect(ended.error).toMatchObject({ code: 'max-nodes', nodeId: 'fan' })
    expect(ended.error!.message).toContain('"c"')
    expect(ended.failedNodeId).toBe(ended.error!.nodeId)
    expect(ended.nodeStates.fan?.status).toBe('failed')
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0, pendingInputs: 0 })
  })
})
