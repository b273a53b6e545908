/**
 * The tokens the model endpoint counted are an operator's main cost, and `/metrics` had no series
 * for them: only each job's `job-end` metrics (read per job, through its user's routes) and, with
 * tracing on, its spans. `model_tokens_total{kind}` counts them on the instance that spent them,
 * as each round reports its usage — also a round that failed with its usage, and before the job
 * ends (a workflow waiting for a human answer has spent its first rounds' tokens already).
 */
import { describe, expect, it } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { UpstreamStreamError } from '../../server/lib/model/errors'
import { useMetrics } from '../../server/lib/metrics'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { createStepModel, textStep } from '../support/step-model'

/** The model_tokens_total series now. */
function tokenCounters(): Record<string, number> {
  return Object.fromEntries(Object.entries(useMetrics().snapshot().counters).filter(([key]) => key.startsWith('model_tokens_total')))
}

describe('model_tokens_total', () => {
  it('counts each round\'s prompt and completion tokens, a failed round\'s included', async () => {
    useMetrics().reset()
    const failed = Object.assign(new UpstreamStreamError('the provider failed the round', 'server_error'), { usage: { prompt: 7, completion: 3, total: 10 } })
    const model = createStepModel([textStep('one', { prompt: 100, completion: 20, total: 120 }), failed])
    const { engine } = createTestEngine({ runners: { chat: runChatJob }, model })
    const first = (await engine.createJob('u1', { request: chatRequest })).job
    await engine.whenSettled(first.id)
    expect(tokenCounters()).toEqual({ 'model_tokens_total{kind="prompt"}': 100, 'model_tokens_total{kind="completion"}': 20 })
    const second = (await engine.createJob('u1', { request: chatRequest })).job
    await engine.whenSettled(second.id)
    expect((await engine.getJob('u1', second.id)).job.status).toBe('failed')
    expect(tokenCounters()).toEqual({ 'model_tokens_total{kind="prompt"}': 107, 'model_tokens_total{kind="completion"}': 23 })
    await engine.dispose()
  })
})
