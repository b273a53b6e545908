/**
 * limits.nodeTimeoutMs holds a node's own work, not the time a human takes to answer its
 * approval request (that request has its own expiry and onTimeout).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createTimerSet } from '../../server/lib/timers'
import { createNodeDeadline } from '../../server/lib/workflows/node-deadline'
import { createWorkflowEngine } from '../support/workflow-engine'

const NODE_TIMEOUT_MS = 120_000
const INPUT_TIMEOUT_MS = 300_000

/** A tool that needs approval and then works for `workMs` of (fake) time. */
function slowSensitiveTool(workMs: number) {
  return defineTool({
    name: 'publish',
    description: 'publishes after approval',
    parameters: z.object({}),
    needsApproval: true,
    // Longer than the node's limit, so the node's limit is what ends a slow call.
    timeoutMs: 10 * NODE_TIMEOUT_MS,
    execute: () => new Promise<string>(resolve => setTimeout(() => resolve('published'), workMs)),
  })
}

const publishFlow = defineWorkflow({
  name: 'publish-flow',
  description: 'one approved tool call',
  input: z.object({}),
  nodes: { publish: { kind: 'tool', tool: 'publish' }, done: { kind: 'output', value: '{{outputs.publish}}' } },
  edges: [['publish', 'done']],
})

const config = { limits: { nodeTimeoutMs: NODE_TIMEOUT_MS, inputTimeoutMs: INPUT_TIMEOUT_MS } }

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('node time limit and human waits', () => {
  it('a tool node whose approval comes after nodeTimeoutMs (but before the request expires) completes', async () => {
    const { engine, start, state, answer } = createWorkflowEngine([publishFlow], { tools: [slowSensitiveTool(1_000)], config })
    const jobId = await start('publish-flow')
    await vi.advanceTimersByTimeAsync(NODE_TIMEOUT_MS + 80_000)
    expect((await state(jobId)).status).toBe('waiting')
    await answer(jobId, 'publish', 'approve')
    await vi.advanceTimersByTimeAsync(1_000)
    await engine.whenSettled(jobId)
    const ended = await state(jobId)
    expect(ended.error).toBeNull()
    expect(ended.status).toBe('completed')
    expect(ended.content).toBe('published')
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0, pendingInputs: 0 })
  })

  it('the work after the approval is still held to nodeTimeoutMs', async () => {
    const { engine, start, state, answer } = createWorkflowEngine([publishFlow], { tools: [slowSensitiveTool(NODE_TIMEOUT_MS + 10_000)], config })
    const jobId = await start('publish-flow')
    await vi.advanceTimersByTimeAsync(60_000)
    await answer(jobId, 'publish', 'approve')
    await vi.advanceTimersByTimeAsync(NODE_TIMEOUT_MS)
    await engine.whenSettled(jobId)
    const ended = await state(jobId)
    expect(ended.status).toBe('failed')
    expect(ended.error).toMatchObject({ code: 'node-timeout', nodeId: 'publish' })
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0, pendingInputs: 0 })
  })

  it('deadline: paused time does not count, nested pauses restart after the last, cancel clears the timer', () => {
    const timers = createTimerSet()
    const onExpired = vi.fn()
    const deadline = createNodeDeadline({ timeoutMs: 100, timers, now: Date.now, onExpired })
    vi.advanceTimersByTime(40)
    const resumeFirst = deadline.pause()
    const resumeSecond = deadline.pause()
    expect(timers.size).toBe(0)
    vi.advanceTimersByTime(1_000)
    resumeFirst()
    resumeFirst()
    expect(timers.size).toBe(0)
    resumeSecond()
    vi.advanceTimersByTime(59)
    expect(onExpired).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(onExpired).toHaveBeenCalledOnce()
    expect(timers.size).toBe(0)

    const other = createNodeDeadline({ timeoutMs: 100, timers, now: Date.now, onExpired })
    const resume = other.pause()
    other.cancel()
    resume()
    expect(timers.size).toBe(0)
  })
})
