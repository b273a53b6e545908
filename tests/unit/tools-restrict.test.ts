import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import { createEngine } from '../../server/lib/engine'
import { silentLogger } from '../../server/lib/logger'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { restrictTools } from '../../server/lib/tools/restrict'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { unusedModel } from '../support/engine-harness'

let runs = 0
const ping = defineTool({ name: 'ping', description: 'pong', parameters: z.object({}), execute: () => ++runs })
const other = defineTool({ name: 'other', description: 'other', parameters: z.object({}), execute: () => 'x' })

describe('restricting the tools a job may use', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    runs = 0
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a restricted view knows only the allowed names; undefined leaves the registry as it is', () => {
    const registry = createToolRegistry([ping, other])
    expect(restrictTools(registry, undefined)).toBe(registry)
    const view = restrictTools(registry, ['ping'])
    expect(view.list().map(tool => tool.name)).toEqual(['ping'])
    expect(view.get('other')).toBeUndefined()
    expect(view.toModelTools(['ping', 'other']).map(tool => tool.function.name)).toEqual(['ping'])
    expect(restrictTools(registry, []).list()).toEqual([])
  })

  it('a workflow job with tools switched off cannot run a tool node', async () => {
    const workflow = defineWorkflow({
      name: 'pinger',
      description: 'runs ping',
      input: z.object({}),
      nodes: { call: { kind: 'tool', tool: 'ping', args: {} }, done: { kind: 'output', value: 'done' } },
      edges: [['call', 'done']],
    })
    const engine = createEngine({
      provider: createMemoryProvider(),
      getConfig: () => resolveConfig({ scripted: { enabled: true } }),
      createModelClient: () => unusedModel,
      runners: { chat: async () => {}, workflow: runWorkflowJob },
      tools: createToolRegistry([ping]),
      workflows: createWorkflowRegistry([workflow], { toolNames: ['ping'] }),
      logger: silentLogger,
    })
    const allowed = await engine.createJob('u1', { request: { type: 'workflow', workflow: 'pinger', input: {} } })
    const denied = await engine.createJob('u1', { request: { type: 'workflow', workflow: 'pinger', input: {}, tools: [] } })
    await vi.advanceTimersByTimeAsync(100)
    await Promise.all([engine.whenSettled(allowed.job.id), engine.whenSettled(denied.job.id)])
    expect((await engine.getJob('u1', allowed.job.id)).state.status).toBe('completed')
    const { state } = await engine.getJob('u1', denied.job.id)
    expect(state.status).toBe('failed')
    expect(state.toolCalls[0]).toMatchObject({ name: 'ping', status: 'error' })
    expect(runs).toBe(1)
  })
})
