/**
 * A round that failed by its finish reason (`finish_reason: "error"`) with the upstream's usage
 * after it counts its tokens in the job's metrics (and the job span's `.tokens.*`), but the round's
 * own span had no `gen_ai.usage.*`: the usage was on the model's error, and the round's failure
 * (`JobFailure`) dropped it, so a trace's rounds did not add up to the job's tokens.
 */
import { SpanStatusCode } from '@opentelemetry/api'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { UpstreamStreamError } from '../../server/lib/model/errors'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { createStepModel } from '../support/step-model'
import type { TestTracing } from '../support/tracing'
import { useTracingPerTest } from '../support/tracing'

describe('a model round that failed with the upstream\'s usage', () => {
  const useTracing = useTracingPerTest({ fakeTimers: true })
  let tracing: TestTracing
  beforeEach(() => {
    tracing = useTracing()
  })

  it('has its tokens on its span, as the job span does', async () => {
    const failure = Object.assign(new UpstreamStreamError('The model stopped with finish_reason "error"'), { usage: { prompt: 120, completion: 30, total: 150 } })
    const model = createStepModel([failure])
    const { engine } = createTestEngine({ runners: { chat: runChatJob }, model })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(100)
    await engine.whenSettled(job.id)
    await engine.dispose()
    const [jobSpan] = tracing.named('background_jobs.job')
    expect(jobSpan!.attributes['background_jobs.tokens.input']).toBe(120)
    const [round] = tracing.named('background_jobs.model_round')
    expect(round!.status.code).toBe(SpanStatusCode.ERROR)
    expect(round!.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 120, 'gen_ai.usage.output_tokens': 30 })
  })
})
