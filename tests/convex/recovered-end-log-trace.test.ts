/**
 * observability.md: with a tracing SDK, a job's `job ended` line carries `traceId`, the trace of
 * the job on that instance. The line of an end that recovery wrote (a chat whose owner was lost,
 * `owner-lost`: the failure an operator most wants to follow) had none, although recovery records
 * a job span for that end in a trace of its own. It carries that trace's id now.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { defineTool } from '../../server/utils/define-tool'
import { recordingLogger } from '../support/recording-logger'
import { createStepModel, textStep, toolStep } from '../support/step-model'
import { useTracingPerTest } from '../support/tracing'
import type { TestTracing } from '../support/tracing'
import { createBackend } from './backend'
import { diesBefore, sayHelloRequest as request } from './dies-before'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
const lookup = defineTool({ name: 'lookup', description: 'x', parameters: z.object({}), execute: () => 'found' })

describe('the job ended line of an end recovery wrote', () => {
  const useTracing = useTracingPerTest({ fakeTimers: true })
  let tracing: TestTracing
  beforeEach(() => {
    tracing = useTracing()
  })

  it('carries the trace id of the span recorded for that end', async () => {
    const backend = createBackend()
    const { logger, lines } = recordingLogger()
    const model = createStepModel([toolStep([{ id: 'call_1', name: 'lookup', args: {} }]), textStep('Hello.')])
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: runChatJob, tools: [lookup], model, wrap: diesBefore('tool-result') })
    const b = createEngineNode(backend, { instanceId: 'B', config, chat: runChatJob, tools: [lookup], logger })
    const { job } = await a.engine.createJob('u1', { request })
    await vi.advanceTimersByTimeAsync(8_000)
    const spans = tracing.named('background_jobs.job').filter(span => span.attributes['background_jobs.instance.id'] === 'B')
    expect(spans).toHaveLength(1)
    const ended = lines.filter(line => line.message === 'job ended')
    expect(ended).toEqual([expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ jobId: job.id, error: 'owner-lost', traceId: spans[0]!.spanContext().traceId }) })])
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
