/**
 * Counters only go up: Prometheus reads any decrease as a restart of the process and counts the
 * whole value again (`rate()` spikes). A usage chunk with a negative count — a proxy's or a
 * provider's bug, `prompt_tokens: -100` — was taken as it came: the job's tokens went negative and
 * `model_tokens_total` went backwards. A count below zero is read as none now (as a count that is
 * not a number already was), and no counter of the registry takes a negative amount.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createModelClient } from '../../server/lib/model/client'
import { createMetrics, useMetrics } from '../../server/lib/metrics'
import { TEST_CLIENT_OPTIONS } from '../support/collect-stream'
import { chatRequest, createTestEngine } from '../support/engine-harness'

const chunk = (body: Record<string, unknown>) => `data: ${JSON.stringify({ id: 'c-1', ...body })}\n\n`
const ANSWER = chunk({ choices: [{ index: 0, delta: { content: 'Hello' }, finish_reason: null }] })
  + chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })
  + chunk({ choices: [], usage: { prompt_tokens: -100, completion_tokens: 5, total_tokens: -95 } })
  + 'data: [DONE]\n\n'

beforeEach(() => {
  useMetrics().reset()
})

describe('a usage chunk with a negative count', () => {
  it('counts that count as none: the job\'s tokens and model_tokens_total never go below what was spent', async () => {
    useMetrics().increment('model_tokens_total', { kind: 'prompt' }, 1_000)
    const model = createModelClient({ ...TEST_CLIENT_OPTIONS, baseUrl: 'https://proxy.test', apiKey: 'sk-test', fetch: async () => new Response(ANSWER, { status: 200, headers: { 'content-type': 'text/event-stream' } }) })
    const { engine } = createTestEngine({ runners: { chat: runChatJob }, model })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await engine.whenSettled(job.id)
    const { state } = await engine.getJob('u1', job.id)
    expect(state.metrics?.tokens).toEqual({ prompt: 0, completion: 5, total: 5 })
    expect(useMetrics().snapshot().counters).toMatchObject({ 'model_tokens_total{kind="prompt"}': 1_000, 'model_tokens_total{kind="completion"}': 5 })
    await engine.dispose()
  })

  it('no counter takes a negative amount', () => {
    const metrics = createMetrics()
    metrics.increment('jobs_deleted_total', { reason: 'retention' }, 3)
    metrics.increment('jobs_deleted_total', { reason: 'retention' }, -2)
    expect(metrics.snapshot().counters['jobs_deleted_total{reason="retention"}']).toBe(3)
  })
})
