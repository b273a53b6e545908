/**
 * The `upstream-request` hook may change each round's request before it is sent (docs/hooks.md:
 * "a model by plan", a system prompt). The model round span took its attributes from the request
 * as the loop built it, before the hook: `gen_ai.request.model` named the default model for a
 * round the upstream was asked with another one, and with `recordContent` the messages it says were
 * sent lacked the hook's system message. The span now says what was sent.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { createStepModel, textStep } from '../support/step-model'
import type { TestTracing } from '../support/tracing'
import { useTracingPerTest } from '../support/tracing'

describe('a model round whose request the upstream-request hook changed', () => {
  const useTracing = useTracingPerTest({ fakeTimers: true })
  let tracing: TestTracing
  beforeEach(() => {
    tracing = useTracing()
  })

  it('has the model and messages that were sent on its span', async () => {
    const model = createStepModel([textStep('Hi.')])
    const { engine } = createTestEngine({
      config: { telemetry: { recordContent: true } },
      runners: { chat: runChatJob },
      model,
      hooks: {
        upstreamRequest: ({ request }) => {
          request.model = 'premium/model'
          request.messages.unshift({ role: 'system', content: 'Answer as the premium plan.' })
        },
      },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(100)
    await engine.whenSettled(job.id)
    await engine.dispose()
    expect(model.requests.map(request => request.model)).toEqual(['premium/model'])
    const [round] = tracing.named('background_jobs.model_round')
    expect(round!.attributes['gen_ai.request.model']).toBe('premium/model')
    expect(String(round!.attributes['background_jobs.content.input'])).toContain('Answer as the premium plan.')
  })
})
