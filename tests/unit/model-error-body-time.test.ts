/**
 * An HTTP error whose body never ends (a proxy that keeps the connection open after its error
 * page): the error body is read for at most `ERROR_BODY_READ_MS`, then the round fails with its
 * HTTP status, retried as that status is. Before, the read went on until the first-token timeout,
 * and the job failed `upstream-timeout` (not retried) instead of with its 502.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createModelClient } from '../../server/lib/model/client'
import type { FetchLike } from '../../server/lib/model/client'
import { UpstreamHttpError } from '../../server/lib/model/errors'
import type { ModelClient } from '../../server/lib/model/types'
import { ANSWER, REQUEST, startRound } from '../support/model-round-run'

/** ERROR_BODY_READ_MS in upstream-response.ts. */
const ERROR_BODY_READ_MS = 5_000

/** A 502 whose body starts and never ends, then (when asked again) an answer. */
function endlessErrorThenOk() {
  let calls = 0
  const fetch: FetchLike = async () => calls++ === 0
    ? new Response(new ReadableStream<Uint8Array>({ start: controller => controller.enqueue(new TextEncoder().encode('{"error":{"message":"Bad gateway"')) }), { status: 502 })
    : new Response(ANSWER, { status: 200 })
  return { fetch, calls: () => calls }
}

function client(fetch: FetchLike, maxRetries: number, onRetry = vi.fn()): ModelClient {
  return createModelClient({ baseUrl: 'https://upstream.test/v1', apiKey: 'sk-test', fetch, firstTokenTimeoutMs: 60_000, stallTimeoutMs: 5_000, maxRetries, retryBaseDelayMs: 100, onRetry })
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  expect(vi.getTimerCount()).toBe(0)
  vi.useRealTimers()
})

describe.each(['stream', 'consume'] as const)('an error body that never ends (%s)', (path) => {
  it('fails with its HTTP status once ERROR_BODY_READ_MS passed, not with the first-token timeout', async () => {
    const upstream = endlessErrorThenOk()
    const run = startRound(client(upstream.fetch, 0), path)
    await vi.advanceTimersByTimeAsync(ERROR_BODY_READ_MS)
    expect(run.done).toBe(true)
    expect(run.error).toBeInstanceOf(UpstreamHttpError)
    expect(run.error).toMatchObject({ code: 'upstream-http', status: 502, retryable: true })
    expect((run.error as Error).message).toBe(`The model endpoint answered HTTP 502: its body did not end within ${ERROR_BODY_READ_MS / 1000} s`)
  })

  it('is retried as its status is, and the retry answers', async () => {
    const upstream = endlessErrorThenOk()
    const onRetry = vi.fn()
    const run = startRound(client(upstream.fetch, 1, onRetry), path)
    await vi.advanceTimersByTimeAsync(ERROR_BODY_READ_MS + 100)
    expect(run.done).toBe(true)
    expect(run.error).toBeUndefined()
    expect(upstream.calls()).toBe(2)
    expect(onRetry).toHaveBeenCalledWith(expect.objectContaining({ status: 502 }))
    expect(run.events).toContainEqual({ type: 'text-delta', text: 'Hello' })
  })
})
