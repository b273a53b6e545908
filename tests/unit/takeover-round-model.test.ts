/**
 * The model of a round a lost owner was cut off in (decision 32): its `step-start` names the model
 * its request named, as the `upstream-request` hook left it, so the instance that takes the job over
 * reads it from the store. Two engines share one memory provider (fake timers): the first, deployed
 * with `premium/model` as its default, dies in the middle of a chat's round (after a lease
 * renewal); the second, on `cheap/model`, takes the chat over and continues it or ends it. Before, only a round's `step-end` named its
 * model, and the cut-off round has none: the `job ended` line and the job span said `cheap/model`
 * and no `models`, and recovery's end line named no model at all — while premium/model had run.
 */
import { beforeEach, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import type { ModelClient } from '../../server/lib/model/types'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { applyEvent, createJobState } from '../../shared/reducer'
import { chatRequest } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'
import { diesAfterRenewal } from '../support/dies-after-renewal'
import { createSharedMemoryEngine, sharedMemory } from '../support/shared-memory'
import { createStepModel, hangingStep, textStep } from '../support/step-model'
import type { TestTracing } from '../support/tracing'
import { useTracingPerTest } from '../support/tracing'

/** An instance's settings: `model` is its `upstream.defaultModel`; `chat` what a recovery does with a lost owner's chat. */
function configOf(model: string, chat: 'continue' | 'fail') {
  return resolveConfig({ upstream: { defaultModel: model, apiKey: 'sk-test-0123456789abcdef' }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, recovery: { chat }, limits: { jobTimeoutMs: 3_600_000 } })
}

const useTracing = useTracingPerTest({ fakeTimers: true })
let tracing: TestTracing
beforeEach(() => {
  tracing = useTracing()
})

/** Starts a chat on `a` (premium/model), which dies mid-round after a lease renewal; `b` (cheap/model, `model`) takes it over. */
async function lostMidRound(chat: 'continue' | 'fail', model: ModelClient) {
  const store = createMemoryProvider()
  const { logger, lines } = recordingLogger()
  const b = createSharedMemoryEngine({ provider: sharedMemory(store), instanceId: 'b', config: configOf('cheap/model', chat), chat: runChatJob, model, logger })
  await vi.advanceTimersByTimeAsync(1)
  const died = { at: null as number | null }
  const a = createSharedMemoryEngine({ provider: diesAfterRenewal(died)(sharedMemory(store)), instanceId: 'a', config: configOf('premium/model', chat), chat: runChatJob, model: createStepModel([hangingStep()]) })
  const { job } = await a.createJob('u1', { request: chatRequest })
  for (let step = 0; step < 1_000 && (await store.get(job.id))?.lease?.instanceId !== 'b'; step++) await vi.advanceTimersByTimeAsync(10)
  expect(died.at).not.toBeNull()
  for (let step = 0; step < 100 && !lines.some(line => line.message === 'job ended'); step++) await vi.advanceTimersByTimeAsync(10)
  const { state } = await b.getJob('u1', job.id)
  const events = (await store.readEvents(job.id, 0))!.events
  await b.dispose()
  return { state, events, line: lines.find(entry => entry.message === 'job ended')?.fields }
}

it('names the model of the round a lost owner was cut off in on the job ended line and the job span of the run that took it over', async () => {
  const { state, events, line } = await lostMidRound('continue', createStepModel([textStep('answer')]))
  // Before: model 'cheap/model' and no models — the round that ran on premium/model named nowhere.
  expect(line).toMatchObject({ status: 'completed', model: 'cheap/model', models: ['premium/model', 'cheap/model'] })
  expect(state.status).toBe('completed')
  expect(events.find(event => event.type === 'step-start')).toMatchObject({ step: 1, model: 'premium/model' })
  expect(state.steps.map(step => [step.model, step.ended])).toEqual([['premium/model', false], ['cheap/model', true]])
  const span = tracing.named('background_jobs.job').at(-1)!
  expect(span.attributes).toMatchObject({ 'background_jobs.job.model': 'cheap/model', 'background_jobs.job.models': ['premium/model', 'cheap/model'] })
})

it('names it on the job ended line of a chat that recovery ends (recovery.chat: fail)', async () => {
  const { state, line } = await lostMidRound('fail', createStepModel([]))
  // Before: no model at all.
  expect(state.status).toBe('failed')
  expect(line).toMatchObject({ status: 'failed', error: 'owner-lost', model: 'premium/model' })
})

it('reads a step-start stored before the field as a round with no model yet', () => {
  const started = applyEvent(createJobState({ id: 'j1', type: 'chat', createdAt: 0 }), { type: 'step-start', step: 1, seq: 1, at: 1 })
  expect(started.steps).toEqual([{ step: 1, finishReason: null, ended: false, starts: { content: 0, reasoning: 0, toolCalls: 0 } }])
  expect(applyEvent(started, { type: 'step-end', step: 1, finishReason: 'stop', model: 'm', seq: 2, at: 2 }).steps[0]).toMatchObject({ model: 'm', ended: true })
})
