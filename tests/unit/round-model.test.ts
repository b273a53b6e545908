/**
 * Which model answered a job: each round's `step-end` carries the model its request named, as the
 * `upstream-request` hook left it (the job's, or the one the hook switched to), so a finished job's
 * steps (`GET /api/jobs/:id`) and its `job ended` line say it after the app's model config changed.
 * Before, nothing stored or logged it: only the round's span had it, while the job ran.
 */
import { describe, expect, it, vi } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { modelFields } from '../../server/lib/job-end-log'
import { useMetrics } from '../../server/lib/metrics'
import { ModelError } from '../../server/lib/model/errors'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'
import { createStepModel, hangingStep, textStep, toolStep } from '../support/step-model'
import { switchingChatEngine, twoModelsWorkflowEngine } from '../support/two-models'

describe('the model a job ran on', () => {
  it('is stored on each round\'s step-end, read back in the job\'s steps and named on its job ended line', async () => {
    const { logger, lines } = recordingLogger()
    const model = createStepModel([textStep('hello')])
    const { engine, provider } = createTestEngine({ config: { upstream: { defaultModel: 'cheap/model' } }, runners: { chat: runChatJob }, model, logger })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await engine.whenSettled(job.id)
    expect((await engine.getJob('u1', job.id)).state.steps.map(step => step.model)).toEqual(['cheap/model'])
    expect((await provider.readEvents(job.id, 0))!.events.find(event => event.type === 'step-end')).toMatchObject({ model: 'cheap/model' })
    expect(lines.find(line => line.message === 'job ended')?.fields).toMatchObject({ jobId: job.id, model: 'cheap/model' })
    expect(lines.find(line => line.message === 'job ended')?.fields).not.toHaveProperty('models')
    await engine.dispose()
  })

  it('is the one the upstream-request hook sent, per round: the line names the last and, when they differ, every one', async () => {
    const { logger, lines } = recordingLogger()
    const { engine, model } = switchingChatEngine([toolStep([{ name: 'look' }]), textStep('done')], { logger })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await engine.whenSettled(job.id)
    expect(model.requests.map(request => request.model)).toEqual(['cheap/model', 'premium/model'])
    expect((await engine.getJob('u1', job.id)).state.steps.map(step => step.model)).toEqual(['cheap/model', 'premium/model'])
    expect(lines.find(line => line.message === 'job ended')?.fields).toMatchObject({ model: 'premium/model', models: ['cheap/model', 'premium/model'] })
    await engine.dispose()
  })

  it('is each agent node\'s own in a workflow, on its rounds', async () => {
    const { logger, lines } = recordingLogger()
    const { engine, request } = twoModelsWorkflowEngine([textStep('draft'), textStep('review')], { logger })
    const { job } = await engine.createJob('u1', { request })
    await engine.whenSettled(job.id)
    expect((await engine.getJob('u1', job.id)).state.steps.map(step => [step.nodeId, step.model])).toEqual([['draft', 'cheap/model'], ['review', 'premium/model']])
    expect(lines.find(line => line.message === 'job ended')?.fields).toMatchObject({ status: 'completed', model: 'premium/model', models: ['cheap/model', 'premium/model'] })
    await engine.dispose()
  })

  it('is, for a job that failed in a model round, the failed round\'s on its job ended line: not the last one that ended', async () => {
    const { logger, lines } = recordingLogger()
    const { engine, request } = twoModelsWorkflowEngine([textStep('draft'), new ModelError('upstream-error', 'the model is not served')], { logger, reviewModel: 'gone/model' })
    const { job } = await engine.createJob('u1', { request })
    await engine.whenSettled(job.id)
    // The failed round has no step-end: its step-start names its model.
    expect((await engine.getJob('u1', job.id)).state.steps.map(step => [step.model, step.ended])).toEqual([['cheap/model', true], ['gone/model', false]])
    expect(lines.find(line => line.message === 'job ended')?.fields).toMatchObject({ status: 'failed', error: 'upstream-error', failedDuring: 'model', nodeId: 'review', model: 'gone/model', models: ['cheap/model', 'gone/model'] })
    await engine.dispose()
  })

  it('counts, on the job ended line, the model of a round that ended without a step-end: one the job\'s time limit cut off', async () => {
    vi.useFakeTimers()
    try {
      useMetrics().reset()
      const { logger, lines } = recordingLogger()
      const { engine } = switchingChatEngine([toolStep([{ name: 'look' }]), hangingStep()], { logger, limits: { jobTimeoutMs: 10_000 } })
      const { job } = await engine.createJob('u1', { request: chatRequest })
      await vi.advanceTimersByTimeAsync(10_000)
      await engine.whenSettled(job.id)
      expect((await engine.getJob('u1', job.id)).state.steps.map(step => [step.model, step.ended])).toEqual([['cheap/model', true], ['premium/model', false]])
      // Before: model 'cheap/model' and no models — the round that ran 10 s on premium/model named nowhere.
      expect(lines.find(line => line.message === 'job ended')?.fields).toMatchObject({ status: 'failed', error: 'timeout', model: 'premium/model', models: ['cheap/model', 'premium/model'] })
      // The per-model count names it as well (model_rounds_total, its outcome).
      expect(useMetrics().snapshot().counters).toMatchObject({ 'model_rounds_total{model="premium/model",outcome="aborted"}': 1 })
      await engine.dispose()
    }
    finally {
      vi.useRealTimers()
    }
  })

  it('reads as none from rounds stored before the field', () => {
    expect(modelFields([{}, {}])).toEqual({})
    expect(modelFields([{}, { model: 'a' }, { model: 'b' }, { model: 'a' }])).toEqual({ model: 'a', models: ['a', 'b'] })
  })
})
