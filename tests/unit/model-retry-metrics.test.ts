/**
 * Every model request sent again is counted by a bounded reason (`model_retries_total{reason}`):
 * a retried-then-succeeded request leaves no other trace an operator could alert on.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { useMetrics } from '../../server/lib/metrics'
import type { FetchLike } from '../../server/lib/model/client'
import { createModelClientFromConfig } from '../../server/lib/model/create-model-client'
import type { ModelClient, ModelRequest } from '../../server/lib/model/types'

const REQUEST: ModelRequest = { model: 'test/model', messages: [{ role: 'user', content: 'Hi' }] }
const OK_BODY = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'Hello' }, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`

/** A fetch double answering from a list of replies (the last one repeats). */
function fakeFetch(replies: Array<() => Response | Promise<Response>>): FetchLike {
  let calls = 0
  return async () => replies[Math.min(calls++, replies.length - 1)]!()
}

const networkFailure = () => Promise.reject(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') }))

function clientFor(fetch: FetchLike): ModelClient {
  const config = resolveConfig({ upstream: { apiKey: 'sk-test', maxRetries: 3, retryBaseDelayMs: 10 } })
  return createModelClientFromConfig(config, { fetch })
}

/** The retry counters, by reason, grown while `run` ran. */
async function retriesDuring(run: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = useMetrics().snapshot().counters
  await run()
  const grown: Record<string, number> = {}
  for (const [key, value] of Object.entries(useMetrics().snapshot().counters)) {
    if (key.startsWith('model_retries_total') && value !== (before[key] ?? 0)) grown[key] = value - (before[key] ?? 0)
  }
  return grown
}

/** Runs a round to its end with fake time; resolves with its error, if any. */
async function settle(round: Promise<unknown>): Promise<unknown> {
  const outcome = round.then(() => undefined, (error: unknown) => error)
  await vi.advanceTimersByTimeAsync(10_000)
  return outcome
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('model_retries_total', () => {
  it('counts each retry by reason on the push path (the engine\'s): 429, 5xx, network', async () => {
    const fetch = fakeFetch([() => new Response('slow', { status: 429 }), () => new Response('boom', { status: 502 }), networkFailure, () => new Response(OK_BODY)])
    const grown = await retriesDuring(async () => {
      expect(await settle(clientFor(fetch).consume!(REQUEST, new AbortController().signal, () => {}))).toBeUndefined()
    })
    expect(grown).toEqual({
      'model_retries_total{reason="http-429"}': 1,
      'model_retries_total{reason="http-5xx"}': 1,
      'model_retries_total{reason="network"}': 1,
    })
  })

  it('counts on the pull path too; a request that gives up counts only the retries it made', async () => {
    const fetch = fakeFetch([() => new Response('down', { status: 503 })])
    const grown = await retriesDuring(async () => {
      const round = (async () => {
        for await (const _event of clientFor(fetch).stream(REQUEST, new AbortController().signal)) { /* drained */ }
      })()
      expect(await settle(round)).toMatchObject({ status: 503 })
    })
    expect(grown).toEqual({ 'model_retries_total{reason="http-5xx"}': 3 })
  })

  it('an error chunk before any event counts as the status it carries (OpenRouter\'s 429 or 502 after a 200)', async () => {
    const errorChunk = (code: unknown) => () => new Response(`data: ${JSON.stringify({ error: { message: 'Provider returned error', code } })}\n\n`)
    const fetch = fakeFetch([errorChunk(429), errorChunk('502'), errorChunk('server_error'), () => new Response(OK_BODY)])
    const grown = await retriesDuring(async () => {
      expect(await settle(clientFor(fetch).consume!(REQUEST, new AbortController().signal, () => {}))).toBeUndefined()
    })
    expect(grown).toEqual({
      'model_retries_total{reason="http-429"}': 1,
      'model_retries_total{reason="http-5xx"}': 1,
      'model_retries_total{reason="other"}': 1,
    })
  })

  it('counts nothing for an error that is not retried (a 400)', async () => {
    const fetch = fakeFetch([() => new Response('bad', { status: 400 })])
    const grown = await retriesDuring(async () => {
      expect(await settle(clientFor(fetch).consume!(REQUEST, new AbortController().signal, () => {}))).toMatchObject({ status: 400 })
    })
    expect(grown).toEqual({})
  })
})
