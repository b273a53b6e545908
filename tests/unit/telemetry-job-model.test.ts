/**
 * The job span's model says what the job ran on, as its `job ended` line does (decision 32): at the
 * end, `background_jobs.job.model` is the model of its last round and `.job.models` every one in
 * the order first used when there were several. Before, it was the chat's model as the job started
 * (its request's, or `upstream.defaultModel`) even when the `upstream-request` hook sent every
 * later round elsewhere, and a workflow's job span named none, whatever its agent nodes ran on.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'
import { createStepModel, textStep, toolStep } from '../support/step-model'
import { useTracingPerTest } from '../support/tracing'
import type { TestTracing } from '../support/tracing'
import { switchingChatEngine, twoModelsWorkflowEngine } from '../support/two-models'

describe('the job span\'s model', () => {
  const useTracing = useTracingPerTest({ fakeTimers: true })
  let tracing: TestTracing
  beforeEach(() => {
    tracing = useTracing()
  })

  it('is, for a chat whose hook switched its later rounds, the last round\'s, with every one listed — as on its job ended line', async () => {
    const { logger, lines } = recordingLogger()
    const { engine } = switchingChatEngine([toolStep([{ name: 'look' }]), textStep('done')], { logger })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(500)
    await engine.whenSettled(job.id)
    const [span] = tracing.named('background_jobs.job')
    // Before: 'cheap/model' (the start's), and no list.
    expect(span!.attributes).toMatchObject({ 'background_jobs.job.model': 'premium/model', 'background_jobs.job.models': ['cheap/model', 'premium/model'] })
    const line = lines.find(entry => entry.message === 'job ended')?.fields
    expect([line?.model, line?.models]).toEqual([span!.attributes['background_jobs.job.model'], span!.attributes['background_jobs.job.models']])
    await engine.dispose()
  })

  it('names one model and no list for a chat that ran on one', async () => {
    const { engine } = createTestEngine({ config: { upstream: { defaultModel: 'cheap/model' } }, runners: { chat: runChatJob }, model: createStepModel([textStep('hi')]) })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(500)
    await engine.whenSettled(job.id)
    const [span] = tracing.named('background_jobs.job')
    expect(span!.attributes['background_jobs.job.model']).toBe('cheap/model')
    expect(span!.attributes).not.toHaveProperty('background_jobs.job.models')
    await engine.dispose()
  })

  it('is, for a workflow, its agent nodes\' models', async () => {
    const { engine, request } = twoModelsWorkflowEngine([textStep('draft'), textStep('review')])
    const { job } = await engine.createJob('u1', { request })
    await vi.advanceTimersByTimeAsync(500)
    await engine.whenSettled(job.id)
    const [span] = tracing.named('background_jobs.job')
    // Before: neither attribute.
    expect(span!.attributes).toMatchObject({ 'background_jobs.job.model': 'premium/model', 'background_jobs.job.models': ['cheap/model', 'premium/model'] })
    await engine.dispose()
  })
})
