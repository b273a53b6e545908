/**
 * A `Retry-After` within `upstream.maxRetryDelayMs` but at least as long as the time the job has
 * left before `limits.jobTimeoutMs`: waiting it out only ends the job as a `timeout` during the
 * wait, which hides the rate limit. The round fails at once with `upstream-rate-limited`, naming
 * the wait and the time left; a wait that fits is still waited out.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createModelClientFromConfig } from '../../server/lib/model/create-model-client'
import { UpstreamHttpError, UpstreamRateLimitedError } from '../../server/lib/model/errors'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { failingThenOk, rateLimited, REQUEST, startRound, testModelClient } from '../support/model-round-run'

const limitedThenOk = (seconds: number) => failingThenOk(rateLimited(seconds))
const client = testModelClient

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe.each(['stream', 'consume'] as const)('Retry-After past the job\'s time left (%s)', (path) => {
  it('fails at once with upstream-rate-limited naming the wait and the time left', async () => {
    const upstream = limitedThenOk(15)
    const onRetry = vi.fn()
    const run = startRound(client(upstream.fetch, { onRetry, timeLeftMs: () => 10_000 }), path)
    await vi.advanceTimersByTimeAsync(0)
    expect(run.done).toBe(true)
    expect(upstream.calls()).toBe(1)
    expect(onRetry).not.toHaveBeenCalled()
    const error = run.error as UpstreamRateLimitedError
    expect(error).toBeInstanceOf(UpstreamRateLimitedError)
    expect(error).toMatchObject({ code: 'upstream-rate-limited', retryable: false, status: 429, retryAfterMs: 15_000 })
    expect(error.message).toBe('The model endpoint asked to wait 15 s before trying again (HTTP 429: Rate limit exceeded), longer than the job has left before its time limit (10 s, limits.jobTimeoutMs): not retried')
    expect(error.cause).toBeInstanceOf(UpstreamHttpError)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('still waits out a Retry-After that fits in the time left', async () => {
    const upstream = limitedThenOk(5)
    const run = startRound(client(upstream.fetch, { timeLeftMs: () => 10_000 }), path)
    await vi.advanceTimersByTimeAsync(4_999)
    expect(upstream.calls()).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(run.done).toBe(true)
    expect(run.error).toBeUndefined()
    expect(upstream.calls()).toBe(2)
    expect(run.events).toContainEqual({ type: 'text-delta', text: 'Hello' })
  })
})

describe('a chat job whose endpoint asks to wait past the job\'s time limit', () => {
  it('fails at once with upstream-rate-limited, not with a timeout at the end of the wait', async () => {
    const upstream = limitedThenOk(15)
    const { engine } = createTestEngine({
      config: { upstream: { apiKey: 'sk-test' }, limits: { jobTimeoutMs: 10_000 } },
      createModelClient: (config, run) => createModelClientFromConfig(config, { ...run, fetch: upstream.fetch }),
      runners: { chat: runChatJob },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    let settled = false
    void engine.whenSettled(job.id).then(() => {
      settled = true
    })
    // Well before the job's time limit (10 s) and the Retry-After (15 s), in steps (the run starts after the creation's own work).
    for (let step = 0; step < 10 && !settled; step++) await vi.advanceTimersByTimeAsync(100)
    expect(settled).toBe(true)
    const { state } = await engine.getJob('u1', job.id)
    expect(state.status).toBe('failed')
    expect(state.error).toMatchObject({ code: 'upstream-rate-limited' })
    expect(state.error?.message).toMatch(/^The model endpoint asked to wait 15 s before trying again \(HTTP 429: Rate limit exceeded\), longer than the job has left before its time limit \(\d+(?:\.\d)? s, limits\.jobTimeoutMs\): not retried$/)
    expect(upstream.calls()).toBe(1)
    await engine.dispose()
  })
})
