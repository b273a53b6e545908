/**
 * One tool call, one outcome in `tool_runs_total`, whichever instance ends up with the job. A call
 * that finished on an owner that had lost the job without knowing it yet (its heartbeats did not
 * reach the store) counted `completed` there, while the instance that took the job over counted
 * the same call `error` (the lost owner's result was never stored: the job shows the error). A
 * call's result is now counted by the instance that stored it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { useMetrics } from '../../server/lib/metrics'
import type { JobProvider } from '../../server/lib/providers/types'
import { defineTool } from '../../server/utils/define-tool'
import { wait } from '../support/engine-harness'
import { createStepModel, textStep, toolStep } from '../support/step-model'
import { toolRunCounts, toolRunTimedStatuses } from '../support/tool-run-counts'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, limits: { jobTimeoutMs: 60_000, toolTimeoutMs: 60_000 } })
// Answers after 6 s: past the lease of an owner whose heartbeats are lost.
const slow = defineTool({ name: 'slow', description: 'x', parameters: z.object({}), execute: async (_args, { signal }) => {
  await wait(6_000, signal)
  return 'done'
} })
// A stuck owner: its heartbeats claim success but never reach the store, so B takes the job over.
const stuckHeartbeat = (provider: JobProvider): JobProvider => ({ ...provider, heartbeatLease: async () => true })

/** `tool_runs_total{tool="slow"}` by status, and the statuses `tool_run_ms{tool="slow"}` timed. */
function slowCounts(): { runs: Record<string, number>, timed: string[] } {
  return { runs: toolRunCounts('slow'), timed: toolRunTimedStatuses('slow') }
}

describe('a tool call that finished on an owner that had lost the job', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    useMetrics().reset()
  })
  afterEach(() => {
    useMetrics().reset()
    vi.useRealTimers()
  })

  it('is counted once, as the job shows it: by the instance that took the job over', async () => {
    const backend = createBackend()
    const model = createStepModel([toolStep([{ id: 'call_1', name: 'slow', args: {} }]), textStep('Hello.')])
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: runChatJob, tools: [slow], model, wrap: stuckHeartbeat })
    const b = createEngineNode(backend, { instanceId: 'B', config, chat: runChatJob, tools: [slow] })
    const { job } = await a.engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] } })
    await vi.advanceTimersByTimeAsync(5_000) // past the 3 s lease: B ends the chat owner-lost, the call `error`
    expect((await b.provider.get(job.id))!.status).toBe('failed')
    await vi.advanceTimersByTimeAsync(2_000) // A's call answers; the store refuses its result
    await a.engine.whenSettled(job.id)
    const { state } = await b.engine.getJob('u1', job.id)
    expect({ error: state.error?.code, call: state.toolCalls[0]?.status }).toEqual({ error: 'owner-lost', call: 'error' })
    expect(slowCounts()).toEqual({ runs: { error: 1 }, timed: [] })
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })

  it('counts as completed, timed, on the owner that stored its result', async () => {
    const backend = createBackend()
    const model = createStepModel([toolStep([{ id: 'call_1', name: 'slow', args: {} }]), textStep('Hello.')])
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: runChatJob, tools: [slow], model })
    const { job } = await a.engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] } })
    await vi.advanceTimersByTimeAsync(7_000)
    await a.engine.whenSettled(job.id)
    expect((await a.provider.get(job.id))!.status).toBe('completed')
    expect(slowCounts()).toEqual({ runs: { completed: 1 }, timed: ['completed'] })
    const disposed = a.engine.dispose()
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
