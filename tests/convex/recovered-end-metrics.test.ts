/**
 * A chat whose owner was lost, ended by the instance that took it over without running it again.
 * Its job span said 0 rounds, 0 tool calls and 0 tokens, whatever the lost owner had stored; and a
 * `failed` (`owner-lost`) end stored empty metrics too, so the job itself said 0 rounds beside its
 * stored steps (docs/tools.md: a job taken over counts its lost owner's rounds and calls). The end
 * and its span now hold what the stored steps and calls add up to, as a takeover run's end does.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { defineTool } from '../../server/utils/define-tool'
import { createStepModel, textStep, toolStep } from '../support/step-model'
import { useTracingPerTest } from '../support/tracing'
import type { TestTracing } from '../support/tracing'
import { createBackend } from './backend'
import { diesBefore, sayHelloRequest as request } from './dies-before'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
const lookup = defineTool({ name: 'lookup', description: 'x', parameters: z.object({}), execute: () => 'found' })
const steps = () => createStepModel([
  toolStep([{ id: 'call_1', name: 'lookup', args: {} }], { usage: { prompt: 11, completion: 3, total: 14 } }),
  textStep('Hello.', { prompt: 20, completion: 5, total: 25 }),
])

describe('the end of a lost owner\'s chat that recovery wrote', () => {
  const useTracing = useTracingPerTest({ fakeTimers: true })
  let tracing: TestTracing
  beforeEach(() => {
    tracing = useTracing()
  })

  it.each([
    { case: 'completed (its final round was stored)', diesAt: 'job-end' as const, status: 'completed', rounds: 2, calls: 1, tokens: [31, 8, 39] },
    { case: 'failed (owner-lost, in a tool call)', diesAt: 'tool-result' as const, status: 'failed', rounds: 1, calls: 1, tokens: [11, 3, 14] },
  ])('says the stored rounds, calls and tokens, in the job and its span: $case', async ({ diesAt, status, rounds, calls, tokens }) => {
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: runChatJob, tools: [lookup], model: steps(), wrap: diesBefore(diesAt) })
    const b = createEngineNode(backend, { instanceId: 'B', config, chat: runChatJob, tools: [lookup] })
    const { job } = await a.engine.createJob('u1', { request })
    await vi.advanceTimersByTimeAsync(8_000)
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state.status).toBe(status)
    const [prompt, completion, total] = tokens
    expect(state.metrics).toMatchObject({ total_rounds: rounds, tool_call_count: calls, tokens: { prompt, completion, total } })

    const ended = tracing.named('background_jobs.job').filter(span => span.attributes['background_jobs.instance.id'] === 'B')
    expect(ended).toHaveLength(1)
    expect(ended[0]!.attributes).toMatchObject({
      'background_jobs.job.status': status,
      'background_jobs.rounds': rounds,
      'background_jobs.tool_calls': calls,
      'background_jobs.tokens.input': prompt,
      'background_jobs.tokens.output': completion,
      'background_jobs.tokens.total': total,
    })
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
