/**
 * A job that failed on the model endpoint's error answer (`upstream-http`, or
 * `upstream-rate-limited` for a 429 or 5xx whose Retry-After was too long) logged only that code:
 * the runbook's first question — 401 (the API key), 429 (the quota) or 5xx (the provider's outage)?
 * — needed the job's message, which only the user's routes show. The `job ended` line has the
 * status as `httpStatus` now, and the job and model round spans as `http.response.status_code`.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { UpstreamHttpError, UpstreamRateLimitedError } from '../../server/lib/model/errors'
import { upstreamStatusOf } from '../../server/lib/upstream-status'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'
import { createStepModel } from '../support/step-model'
import type { TestTracing } from '../support/tracing'
import { useTracingPerTest } from '../support/tracing'

async function failWith(error: Error) {
  const { logger, lines } = recordingLogger()
  const { engine } = createTestEngine({ logger, runners: { chat: runChatJob }, model: createStepModel([error]) })
  const { job } = await engine.createJob('u1', { request: chatRequest })
  await vi.advanceTimersByTimeAsync(100)
  await engine.whenSettled(job.id)
  await engine.dispose()
  return lines.find(line => line.message === 'job ended')?.fields
}

describe('the HTTP status of a failed model request', () => {
  const useTracing = useTracingPerTest({ fakeTimers: true })
  let tracing: TestTracing
  beforeEach(() => {
    tracing = useTracing()
  })

  it('is in the job ended line and on the job and round spans', async () => {
    expect(await failWith(new UpstreamHttpError(401, '{"error":"HTTP 500 invalid key"}'))).toMatchObject({ error: 'upstream-http', failedDuring: 'model', httpStatus: 401 })
    const [job] = tracing.named('background_jobs.job')
    const [round] = tracing.named('background_jobs.model_round')
    expect(job!.attributes['http.response.status_code']).toBe(401)
    expect(round!.attributes['http.response.status_code']).toBe(401)
  })

  it('is there for a rate limit that was not retried, and absent for other failures', async () => {
    const limited = new UpstreamRateLimitedError(Object.assign(new UpstreamHttpError(429, 'slow down', 120_000), { retryAfterMs: 120_000 }), 60_000)
    expect(await failWith(limited)).toMatchObject({ error: 'upstream-rate-limited', httpStatus: 429 })
    const other = await failWith(new Error('The model endpoint answered HTTP 500'))
    expect(other).toMatchObject({ error: 'upstream-error' })
    expect(other).not.toHaveProperty('httpStatus')
  })

  it('is read from a workflow node failure too', () => {
    expect(upstreamStatusOf({ code: 'upstream-http', message: `Node "n" failed: ${new UpstreamHttpError(503, 'busy').message}` })).toBe(503)
    expect(upstreamStatusOf({ code: 'tool-failed', message: new UpstreamHttpError(503, 'busy').message })).toBeUndefined()
  })
})
