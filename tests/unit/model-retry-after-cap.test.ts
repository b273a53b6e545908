/**
 * A `Retry-After` longer than `upstream.maxRetryDelayMs`: a retry sooner would be refused again,
 * so the round fails at once with `upstream-rate-limited`, naming the wait (no retry counted, no
 * timer left); one within the setting is waited out in full, on both the pull and the push path.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { createModelClient } from '../../server/lib/model/client'
import type { FetchLike, ModelClientOptions } from '../../server/lib/model/client'
import { createModelClientFromConfig } from '../../server/lib/model/create-model-client'
import { UpstreamHttpError, UpstreamRateLimitedError } from '../../server/lib/model/errors'
import type { ModelClient, ModelEvent, ModelRequest } from '../../server/lib/model/types'

const REQUEST: ModelRequest = { model: 'test/model', messages: [{ role: 'user', content: 'Hi' }] }
const ANSWER = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'Hello' }, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`

/** A 429 asking for `seconds`, then an answer; counts the requests. */
function limitedThenOk(seconds: number) {
  let calls = 0
  const fetch: FetchLike = async () => calls++ === 0
    ? new Response(JSON.stringify({ error: { message: 'Rate limit exceeded: free-models-per-min' } }), { status: 429, headers: { 'retry-after': String(seconds) } })
    : new Response(ANSWER, { status: 200 })
  return { fetch, calls: () => calls }
}

function client(fetch: FetchLike, overrides: Partial<ModelClientOptions> = {}): ModelClient {
  return createModelClient({ baseUrl: 'https://upstream.test/v1', apiKey: 'sk-test', fetch, firstTokenTimeoutMs: 10_000, stallTimeoutMs: 5_000, maxRetries: 2, retryBaseDelayMs: 100, ...overrides })
}

/** Reads a round in the background so the test can move fake time. */
function start(model: ModelClient, path: 'stream' | 'consume') {
  const run = { events: [] as ModelEvent[], error: undefined as unknown, done: false, retries: 0 }
  const signal = new AbortController().signal
  const finished = (async () => {
    try {
      if (path === 'consume') await model.consume!(REQUEST, signal, event => run.events.push(event))
      else for await (const event of model.stream(REQUEST, signal)) run.events.push(event)
    }
    catch (error) {
      run.error = error
    }
    run.done = true
  })()
  return Object.assign(run, { finished })
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  expect(vi.getTimerCount()).toBe(0)
  vi.useRealTimers()
})

describe.each(['stream', 'consume'] as const)('Retry-After above maxRetryDelayMs (%s)', (path) => {
  it('fails at once with upstream-rate-limited naming the wait, instead of a retry at the cap that would be refused', async () => {
    const upstream = limitedThenOk(60)
    const onRetry = vi.fn()
    const run = start(client(upstream.fetch, { onRetry }), path)
    await vi.advanceTimersByTimeAsync(0)
    expect(run.done).toBe(true)
    expect(upstream.calls()).toBe(1)
    expect(onRetry).not.toHaveBeenCalled()
    const error = run.error as UpstreamRateLimitedError
    expect(error).toBeInstanceOf(UpstreamRateLimitedError)
    expect(error).toMatchObject({ code: 'upstream-rate-limited', retryable: false, status: 429, retryAfterMs: 60_000 })
    expect(error.message).toBe('The model endpoint asked to wait 60 s before trying again (HTTP 429: Rate limit exceeded: free-models-per-min), longer than upstream.maxRetryDelayMs (20 s) allows: not retried')
    expect(error.cause).toBeInstanceOf(UpstreamHttpError)
  })

  it('waits a Retry-After within the setting in full (upstream.maxRetryDelayMs from the config)', async () => {
    const upstream = limitedThenOk(60)
    const config = resolveConfig({ upstream: { apiKey: 'sk-test', maxRetryDelayMs: 90_000 } })
    const run = start(createModelClientFromConfig(config, { fetch: upstream.fetch }), path)
    await vi.advanceTimersByTimeAsync(59_999)
    expect(upstream.calls()).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    await run.finished
    expect(run.error).toBeUndefined()
    expect(upstream.calls()).toBe(2)
    expect(run.events[0]).toEqual({ type: 'text-delta', text: 'Hello' })
  })
})
