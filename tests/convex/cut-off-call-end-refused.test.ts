/**
 * A tool call the job's own end cuts off (its time limit) counts as `stopped` in
 * `tool_runs_total`, and a call a lost owner left unanswered counts as `error` on the instance that
 * took the job over. An owner whose end the store refused (another instance took the job over while
 * the call ran, and ended it) counted both: `stopped` here at the cut-off, `error` there. The cut-off
 * is now counted only once the run's end is stored: one call, one count.
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
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'
import { toolRunCounts } from '../support/tool-run-counts'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, limits: { jobTimeoutMs: 6_000, toolTimeoutMs: 60_000 } })
const slow = defineTool({ name: 'slow', description: 'x', parameters: z.object({}), execute: async (_args, { signal }) => void await wait(30_000, signal) })
// A stuck owner: its heartbeats claim success but never reach the store, so B takes the job over.
const stuckHeartbeat = (provider: JobProvider): JobProvider => ({ ...provider, heartbeatLease: async () => true })

describe('a call cut off by its job\'s time limit on an owner whose end is refused', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    useMetrics().reset()
  })
  afterEach(() => {
    useMetrics().reset()
    vi.useRealTimers()
  })

  it('is counted once, by the instance that ended the job', async () => {
    const backend = createBackend()
    const model = createStepModel([toolStep([{ id: 'call_1', name: 'slow', args: {} }]), textStep('Hello.')])
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: runChatJob, tools: [slow], model, wrap: stuckHeartbeat })
    const b = createEngineNode(backend, { instanceId: 'B', config, chat: runChatJob, tools: [slow] })
    const { job } = await a.engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] } })
    await vi.advanceTimersByTimeAsync(5_000) // past the 3 s lease: B ends the chat owner-lost, the call `error`
    expect((await b.provider.get(job.id))!.status).toBe('failed')
    await vi.advanceTimersByTimeAsync(2_000) // A's time limit cuts the call off; its end is refused
    await a.engine.whenSettled(job.id)
    const { state } = await b.engine.getJob('u1', job.id)
    expect({ error: state.error?.code, call: state.toolCalls[0]?.status }).toEqual({ error: 'owner-lost', call: 'error' })
    expect(toolRunCounts('slow')).toEqual({ error: 1 })
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })

  it('counts as stopped when its end is stored', async () => {
    const backend = createBackend()
    const model = createStepModel([toolStep([{ id: 'call_1', name: 'slow', args: {} }]), textStep('Hello.')])
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: runChatJob, tools: [slow], model })
    const { job } = await a.engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] } })
    await vi.advanceTimersByTimeAsync(7_000)
    await a.engine.whenSettled(job.id)
    expect((await a.provider.getState(job.id))!.error?.code).toBe('timeout')
    expect(toolRunCounts('slow')).toEqual({ stopped: 1 })
    const disposed = a.engine.dispose()
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
