/**
 * A round the provider's content filter ended before any text fails the job with
 * `upstream-content-filter` (filtered-answer.ts), but the failure was raised after the round's
 * span had closed: `background_jobs.model_round` ended OK with no `error.type`, so a trace showed
 * the job failing in the model (`failed_during: model`) with every round fine, and a query for
 * failed rounds by `error.type` missed it. The round's span now carries the failure.
 */
import { SpanStatusCode } from '@opentelemetry/api'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { createStepModel, textStep } from '../support/step-model'
import type { TestTracing } from '../support/tracing'
import { useTracingPerTest } from '../support/tracing'

describe('a model round the content filter ended before any text', () => {
  const useTracing = useTracingPerTest({ fakeTimers: true })
  let tracing: TestTracing
  beforeEach(() => {
    tracing = useTracing()
  })

  it('has the job\'s failure on its span', async () => {
    const model = createStepModel([[{ type: 'usage', usage: { prompt: 12, completion: 0, total: 12 } }, { type: 'finish', finishReason: 'content_filter' }]])
    const { engine } = createTestEngine({ runners: { chat: runChatJob }, model })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(100)
    await engine.whenSettled(job.id)
    await engine.dispose()
    const [jobSpan] = tracing.named('background_jobs.job')
    expect(jobSpan!.attributes['background_jobs.error.code']).toBe('upstream-content-filter')
    const [round] = tracing.named('background_jobs.model_round')
    expect(round!.attributes['gen_ai.response.finish_reasons']).toEqual(['content_filter'])
    expect(round!.attributes['error.type']).toBe('upstream-content-filter')
    expect(round!.status.code).toBe(SpanStatusCode.ERROR)
  })

  it('a filtered round that said something stays a round that went well', async () => {
    const model = createStepModel([[...textStep('Here is the first part').slice(0, -1), { type: 'finish', finishReason: 'content_filter' }]])
    const { engine } = createTestEngine({ runners: { chat: runChatJob }, model })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(100)
    await engine.whenSettled(job.id)
    await engine.dispose()
    const [round] = tracing.named('background_jobs.model_round')
    expect(round!.attributes['error.type']).toBeUndefined()
    expect(round!.status.code).not.toBe(SpanStatusCode.ERROR)
  })
})
