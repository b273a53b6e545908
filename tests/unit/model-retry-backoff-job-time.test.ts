/**
 * A retry's doubling wait (no `Retry-After`) that the job's time limit would cut short: the job
 * would end as a `timeout` during the wait, hiding the upstream's failure. The round fails at once
 * with that failure (not retried, no retry counted); a wait that fits is still waited out.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import type { FetchLike, ModelClientOptions } from '../../server/lib/model/client'
import { createModelClientFromConfig } from '../../server/lib/model/create-model-client'
import { UpstreamHttpError } from '../../server/lib/model/errors'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { failingThenOk, REQUEST, startRound, testModelClient, unavailable } from '../support/model-round-run'

/** A 503 without Retry-After, then an answer; counts the requests. */
const unavailableThenOk = () => failingThenOk(unavailable())
const client = (fetch: FetchLike, overrides: Partial<ModelClientOptions> = {}) => testModelClient(fetch, { retryBaseDelayMs: 4_000, ...overrides })

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe.each(['stream', 'consume'] as const)('a backoff past the job\'s time left (%s)', (path) => {
  it('fails at once with the upstream\'s failure, not retried', async () => {
    const upstream = unavailableThenOk()
    const onRetry = vi.fn()
    const run = startRound(client(upstream.fetch, { onRetry, timeLeftMs: () => 3_000 }), path)
    await vi.advanceTimersByTimeAsync(0)
    expect(run.done).toBe(true)
    expect(upstream.calls()).toBe(1)
    expect(onRetry).not.toHaveBeenCalled()
    expect(run.error).toBeInstanceOf(UpstreamHttpError)
    expect(run.error).toMatchObject({ status: 503, message: 'The model endpoint answered HTTP 503: Service unavailable' })
    expect(vi.getTimerCount()).toBe(0)
  })

  it('still waits out a backoff that fits in the time left', async () => {
    const upstream = unavailableThenOk()
    const run = startRound(client(upstream.fetch, { timeLeftMs: () => 10_000 }), path)
    await vi.advanceTimersByTimeAsync(3_999)
    expect(upstream.calls()).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(run.done).toBe(true)
    expect(run.error).toBeUndefined()
    expect(run.events).toContainEqual({ type: 'text-delta', text: 'Hello' })
  })
})

describe('a chat job whose endpoint fails when the next retry would come after the job\'s time limit', () => {
  it('fails with the endpoint\'s 503 at once, not with a timeout at the end of the wait', async () => {
    const upstream = unavailableThenOk()
    const { engine } = createTestEngine({
      config: { upstream: { apiKey: 'sk-test', retryBaseDelayMs: 15_000 }, limits: { jobTimeoutMs: 10_000 } },
      createModelClient: (config, run) => createModelClientFromConfig(config, { ...run, fetch: upstream.fetch }),
      runners: { chat: runChatJob },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    let settled = false
    void engine.whenSettled(job.id).then(() => {
      settled = true
    })
    // Well before the job's time limit (10 s) and the backoff (15 s), in steps (the run starts after the creation's own work).
    for (let step = 0; step < 10 && !settled; step++) await vi.advanceTimersByTimeAsync(100)
    expect(settled).toBe(true)
    const { state } = await engine.getJob('u1', job.id)
    expect(state.status).toBe('failed')
    expect(state.error).toMatchObject({ code: 'upstream-http', message: 'The model endpoint answered HTTP 503: Service unavailable' })
    expect(upstream.calls()).toBe(1)
    await engine.dispose()
  })
})
