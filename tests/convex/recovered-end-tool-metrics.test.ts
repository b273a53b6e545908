/**
 * docs/metrics.md: calls a lost owner left unanswered count as `error` in `tool_runs_total` on the instance
 * that took the job over. A chat run again there (`recovery.chat=continue`) counted them; a chat
 * ended there without running again — `failed` (`owner-lost`) under the default `recovery.chat=fail`
 * — did not: its job showed the call as `error`, yet no instance ever counted it, so a tool cut
 * off by every crash was missing from the tool error rate.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { useMetrics } from '../../server/lib/metrics'
import { defineTool } from '../../server/utils/define-tool'
import { createStepModel, textStep, toolStep } from '../support/step-model'
import { createBackend } from './backend'
import { diesBefore, sayHelloRequest as request } from './dies-before'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
const lookup = defineTool({ name: 'lookup', description: 'x', parameters: z.object({}), execute: () => 'found' })

describe('a call a lost owner left unanswered, in a chat recovery ended', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    useMetrics().reset()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('counts as an error of its tool on the instance that ended the job', async () => {
    const backend = createBackend()
    const model = createStepModel([toolStep([{ id: 'call_1', name: 'lookup', args: {} }]), textStep('Hello.')])
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: runChatJob, tools: [lookup], model, wrap: diesBefore('tool-result') })
    const b = createEngineNode(backend, { instanceId: 'B', config, chat: runChatJob, tools: [lookup] })
    const { job } = await a.engine.createJob('u1', { request })
    await vi.advanceTimersByTimeAsync(8_000)
    const { state } = await b.engine.getJob('u1', job.id)
    expect({ status: state.status, call: state.toolCalls[0]?.status }).toEqual({ status: 'failed', call: 'error' })
    expect(useMetrics().snapshot().counters).toMatchObject({ 'tool_runs_total{status="error",tool="lookup"}': 1 })
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
