/**
 * A chat taken over past its time limit (counted from its first start, job-start.ts) with
 * `recovery.chat=continue` ends `timeout` as a lost owner's job is ended (recovered-end.ts): with
 * its stored content, nothing run again, and the call the lost owner left unanswered counted as an
 * `error` of its tool on the instance that ended it (docs/metrics.md, tool_runs_total) — ended by a run that
 * never started its runner, that call was counted nowhere.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { useMetrics } from '../../server/lib/metrics'
import { defineTool } from '../../server/utils/define-tool'
import { createStepModel, toolStep } from '../support/step-model'
import { createBackend } from './backend'
import { diesBefore, sayHelloRequest as request } from './dies-before'
import { createEngineNode } from './engine-node'

// The 3 s lease lapses after the job's 2 s time limit: whoever takes it over finds it past its limit.
const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, recovery: { chat: 'continue' }, limits: { jobTimeoutMs: 2_000 } })
const lookup = defineTool({ name: 'lookup', description: 'x', parameters: z.object({}), execute: () => 'found' })

describe('a chat taken over past its time limit', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    useMetrics().reset()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('ends timeout with its content, asks the model nothing, and counts the unanswered call as an error', async () => {
    const backend = createBackend()
    const model = createStepModel([toolStep([{ id: 'call_1', name: 'lookup', args: {} }], { text: 'Looking.' })])
    const later = createStepModel([])
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: runChatJob, tools: [lookup], model, wrap: diesBefore('tool-result') })
    const b = createEngineNode(backend, { instanceId: 'B', config, chat: runChatJob, tools: [lookup], model: later })
    const { job } = await a.engine.createJob('u1', { request })
    await vi.advanceTimersByTimeAsync(8_000)
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state).toMatchObject({ status: 'failed', epoch: 2, content: 'Looking.', error: { code: 'timeout' } })
    expect(state.error!.message).toContain('counted from its first start')
    expect(state.toolCalls[0]?.status).toBe('error')
    expect(later.requests).toHaveLength(0)
    expect(useMetrics().snapshot().counters).toMatchObject({ 'tool_runs_total{status="error",tool="lookup"}': 1 })
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
