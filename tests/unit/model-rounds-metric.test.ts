/**
 * "Is the upstream failing or slow, for which model, with which status?" The metrics blended it:
 * `upstream_errors_total{code}` counts failed jobs by code only (a 401 of a revoked key and a 503
 * of an outage are both `upstream-http`), and `time_to_first_token_ms` is one per job, from its
 * start, whatever the model. `model_rounds_total{model,outcome}` counts every round sent, by the
 * model asked (after the `upstream-request` hook) and outcome (`http-<status>` when the endpoint
 * answered one), and `model_first_token_ms{model}` times each round from its request to its first
 * token.
 */
import { describe, expect, it } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { UpstreamHttpError, UpstreamTimeoutError } from '../../server/lib/model/errors'
import { createMetrics, useMetrics } from '../../server/lib/metrics'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { createStepModel, hangingStep, textStep } from '../support/step-model'

/** The series of `name` now. */
function series<T>(from: Record<string, T>, name: string): Record<string, T> {
  return Object.fromEntries(Object.entries(from).filter(([key]) => key.startsWith(`${name}{`)))
}

describe('model_rounds_total and model_first_token_ms', () => {
  it('count each round by the model asked and its outcome, the HTTP status of a failure included, and time its first token', async () => {
    useMetrics().reset()
    const model = createStepModel([
      textStep('one'),
      new UpstreamHttpError(503, 'overloaded'),
      new UpstreamTimeoutError('first-token', 30_000),
      hangingStep(),
    ])
    const { engine } = createTestEngine({ runners: { chat: runChatJob }, model, config: { upstream: { allowedModels: 'anthropic/claude-sonnet-4.5' } } })
    for (const request of [chatRequest, { ...chatRequest, model: 'anthropic/claude-sonnet-4.5' }, chatRequest]) {
      const { job } = await engine.createJob('u1', { request })
      await engine.whenSettled(job.id)
    }
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await new Promise(resolve => setImmediate(resolve))
    await engine.abortJob('u1', job.id)
    await engine.whenSettled(job.id)
    const { counters, histograms } = useMetrics().snapshot()
    expect(series(counters, 'model_rounds_total')).toEqual({
      'model_rounds_total{model="openai/gpt-4o-mini",outcome="completed"}': 1,
      'model_rounds_total{model="anthropic/claude-sonnet-4.5",outcome="http-503"}': 1,
      'model_rounds_total{model="openai/gpt-4o-mini",outcome="upstream-timeout"}': 1,
      'model_rounds_total{model="openai/gpt-4o-mini",outcome="aborted"}': 1,
    })
    // Only the round that produced a token is timed.
    const timed = series(histograms, 'model_first_token_ms')
    expect(Object.keys(timed)).toEqual(['model_first_token_ms{model="openai/gpt-4o-mini"}'])
    expect(timed['model_first_token_ms{model="openai/gpt-4o-mini"}']!.count).toBe(1)
    await engine.dispose()
  })

  it('keeps a model id with its vendor\'s slash and a variant\'s colon as its label value; free text is other', () => {
    const metrics = createMetrics()
    for (const model of ['openai/gpt-4o-mini', 'meta-llama/llama-3-8b:free', 'a model name', 'say "hi"']) metrics.increment('model_rounds_total', { model, outcome: 'completed' })
    expect(Object.keys(metrics.snapshot().counters).sort()).toEqual([
      'model_rounds_total{model="meta-llama/llama-3-8b:free",outcome="completed"}',
      'model_rounds_total{model="openai/gpt-4o-mini",outcome="completed"}',
      'model_rounds_total{model="other",outcome="completed"}',
    ])
  })
})
