/**
 * A parallel node whose one branch waits for a human (an input node, or a tool node's approval)
 * while a sibling branch fails: the waiting branch's input request is withdrawn with the branch
 * (its expiry timer cleared, the log saying so), not left open until the run is released.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import { createEngine } from '../../server/lib/engine'
import { InputConflictError } from '../../server/lib/errors'
import { silentLogger } from '../../server/lib/logger'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { unusedModel } from '../support/engine-harness'
import { USER } from '../support/workflow-engine'

const FAIL_AFTER_MS = 1_000
const INPUT_TIMEOUT_MS = 300_000

/** Fails after FAIL_AFTER_MS of (fake) time. */
const breaksLater = defineTool({
  name: 'breaks-later',
  description: 'fails after a while',
  parameters: z.object({}),
  execute: () => new Promise<string>((_resolve, reject) => setTimeout(() => reject(new Error('broke')), FAIL_AFTER_MS)),
})

/** Needs approval, then answers. */
const sensitive = defineTool({
  name: 'sensitive',
  description: 'needs approval',
  parameters: z.object({}),
  needsApproval: true,
  execute: () => 'done',
})

const askAndBreak = defineWorkflow({
  name: 'ask-and-break',
  description: 'asks in one branch, fails in the other',
  input: z.object({}),
  nodes: {
    fan: { kind: 'parallel', branches: ['ask', 'boom'] },
    ask: { kind: 'input', prompt: 'Go on?', schema: z.object({ ok: z.boolean() }) },
    boom: { kind: 'tool', tool: 'breaks-later' },
    join: { kind: 'output', value: 'never' },
  },
  edges: [['fan', 'join']],
})

const approveAndBreak = defineWorkflow({
  name: 'approve-and-break',
  description: 'a tool waits for approval in one branch, the other fails',
  input: z.object({}),
  nodes: {
    fan: { kind: 'parallel', branches: ['publish', 'boom'] },
    publish: { kind: 'tool', tool: 'sensitive' },
    boom: { kind: 'tool', tool: 'breaks-later' },
    join: { kind: 'output', value: 'never' },
  },
  edges: [['fan', 'join']],
})

/** A workflow engine on a memory store that can be taken down (its writes throw, and are retried). */
function createEngineWithStore() {
  const store = { down: false }
  const provider = createMemoryProvider()
  const append = provider.appendEvents.bind(provider)
  provider.appendEvents = async (...args) => {
    if (store.down) throw new Error('store down')
    return await append(...args)
  }
  const tools = [breaksLater, sensitive]
  const engine = createEngine({
    provider,
    getConfig: () => resolveConfig({ scripted: { enabled: true }, limits: { inputTimeoutMs: INPUT_TIMEOUT_MS } }),
    createModelClient: () => unusedModel,
    runners: { chat: async () => {}, workflow: runWorkflowJob },
    tools: createToolRegistry(tools),
    workflows: createWorkflowRegistry([askAndBreak, approveAndBreak], { toolNames: tools.map(tool => tool.name) }),
    logger: silentLogger,
  })
  async function start(workflow: string) {
    const { job } = await engine.createJob(USER, { request: { type: 'workflow', workflow, input: {} } })
    return job.id
  }
  const state = async (jobId: string) => (await engine.getJob(USER, jobId)).state
  return { engine, store, start, state }
}

const CASES = [
  ['an input node', 'ask-and-break', 'ask'],
  ['a tool node waiting for approval', 'approve-and-break', 'publish'],
] as const

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('parallel node: a branch waiting for a human when a sibling fails', () => {
  it.each(CASES)('%s: the job fails at once, shows no pending input, holds nothing, refuses a late answer', async (_what, workflow, waitingNode) => {
    const { engine, start, state } = createEngineWithStore()
    const jobId = await start(workflow)
    await vi.advanceTimersByTimeAsync(10)
    const waiting = await state(jobId)
    expect(waiting.status).toBe('waiting')
    const requestId = waiting.pendingInputs.find(input => input.nodeId === waitingNode)!.requestId
    expect(engine.stats()).toMatchObject({ runs: 1, pendingInputs: 1 })

    await vi.advanceTimersByTimeAsync(FAIL_AFTER_MS)
    await engine.whenSettled(jobId)
    const ended = await state(jobId)
    expect(ended.status).toBe('failed')
    expect(ended.error).toMatchObject({ nodeId: 'boom' })
    expect(ended.pendingInputs).toEqual([])
    expect(ended.nodeStates[waitingNode]!.status).toBe('skipped')
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0, pendingInputs: 0, unpersistedEvents: 0 })
    await expect(engine.answerInput(USER, jobId, { requestId, answer: waitingNode === 'ask' ? { ok: true } : 'approve' }))
      .rejects.toBeInstanceOf(InputConflictError)
  })

  it.each(CASES)('%s: its request is withdrawn when the branch is cancelled, not when the run is released', async (_what, workflow, waitingNode) => {
    const { engine, store, start, state } = createEngineWithStore()
    const jobId = await start(workflow)
    await vi.advanceTimersByTimeAsync(10)
    const requestId = (await state(jobId)).pendingInputs.find(input => input.nodeId === waitingNode)!.requestId

    // The store is slow to take the job's end (writes fail and are retried), so the run stays
    // registered for a while after the workflow failed: what it still holds is visible.
    store.down = true
    await vi.advanceTimersByTimeAsync(FAIL_AFTER_MS + 10_000)
    const ending = await state(jobId)
    expect(ending.nodeStates[waitingNode]!.status).toBe('skipped')
    expect(ending.nodeStates.fan!.status).toBe('failed')
    expect(ending.status).not.toBe('waiting')
    expect(engine.stats()).toMatchObject({ runs: 1, pendingInputs: 0 })
    expect(ending.pendingInputs).toEqual([])
    expect(ending.answeredInputs.find(input => input.requestId === requestId)).toMatchObject({ answer: null, answeredBy: 'system:cancelled' })
    await expect(engine.answerInput(USER, jobId, { requestId, answer: waitingNode === 'ask' ? { ok: true } : 'approve' }))
      .rejects.toBeInstanceOf(InputConflictError)

    store.down = false
    await vi.advanceTimersByTimeAsync(10_000)
    await engine.whenSettled(jobId)
    const ended = await state(jobId)
    expect(ended.status).toBe('failed')
    expect(ended.pendingInputs).toEqual([])
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0, pendingInputs: 0, unpersistedEvents: 0 })
  })

  it('a job aborted while a branch waits ends its request as before (no withdrawal in the log)', async () => {
    const { engine, start, state } = createEngineWithStore()
    const jobId = await start('ask-and-break')
    await vi.advanceTimersByTimeAsync(10)
    expect((await state(jobId)).pendingInputs).toHaveLength(1)
    await engine.abortJob(USER, jobId)
    await engine.whenSettled(jobId)
    const ended = await state(jobId)
    expect(ended.status).toBe('aborted')
    expect(ended.pendingInputs).toEqual([])
    expect(ended.answeredInputs).toEqual([])
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0, pendingInputs: 0 })
  })
})
