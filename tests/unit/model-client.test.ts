import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createModelClient } from '../../server/lib/model/client'
import type { FetchLike, ModelClientOptions } from '../../server/lib/model/client'
import { UpstreamHttpError, UpstreamNetworkError, UpstreamStreamError, UpstreamTimeoutError } from '../../server/lib/model/errors'
import type { ModelEvent, ModelRequest } from '../../server/lib/model/types'

const API_KEY = 'sk-or-v1-very-secret-key'
const encoder = new TextEncoder()
const REQUEST: ModelRequest = { model: 'test/model', messages: [{ role: 'user', content: 'Hi' }] }

function textChunk(text: string): string {
  return `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n`
}
const FINISH = `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`

/** A response body the test pushes bytes into; records whether the client cancelled it. */
function controllableBody() {
  let controller!: ReadableStreamDefaultController<Uint8Array>
  const state = { cancelled: false }
  const stream = new ReadableStream<Uint8Array>({
    start(streamController) {
      controller = streamController
    },
    cancel() {
      state.cancelled = true
    },
  })
  return {
    stream,
    state,
    push: (text: string) => controller.enqueue(encoder.encode(text)),
    end: () => controller.close(),
    fail: (error: unknown) => controller.error(error),
  }
}

type Reply = () => Response | Promise<Response>

/** A fetch double answering from a list of replies (the last one repeats), recording every call. */
function fakeFetch(replies: Reply[]) {
  const calls: Array<{ url: string, init: RequestInit, body: Record<string, unknown> }> = []
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, init, body: JSON.parse(String(init.body)) as Record<string, unknown> })
    return replies[Math.min(calls.length - 1, replies.length - 1)]!()
  }
  return { fetch, calls }
}

const okStream = (text = 'Hello') => () => new Response(textChunk(text) + FINISH, { status: 200 })

function client(fetch: FetchLike, overrides: Partial<ModelClientOptions> = {}) {
  return createModelClient({
    baseUrl: 'https://upstream.test/api/v1/',
    apiKey: API_KEY,
    fetch,
    firstTokenTimeoutMs: 10_000,
    stallTimeoutMs: 5_000,
    maxRetries: 2,
    retryBaseDelayMs: 100,
    ...overrides,
  })
}

/** Consumes a stream in the background so the test can move fake time. */
function consume(stream: AsyncIterable<ModelEvent>) {
  const result = { events: [] as ModelEvent[], error: undefined as unknown, done: false }
  const finished = (async () => {
    try {
      for await (const event of stream) result.events.push(event)
    }
    catch (error) {
      result.error = error
    }
    finally {
      result.done = true
    }
  })()
  return Object.assign(result, { finished })
}

const texts = (events: ModelEvent[]) => events.flatMap(event => event.type === 'text-delta' ? [event.text] : [])

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  // Every path must clear its timers.
  expect(vi.getTimerCount()).toBe(0)
  vi.useRealTimers()
})

describe('createModelClient: request', () => {
  it('posts the OpenAI body with streaming usage, extra fields and headers, and the bearer key', async () => {
    const upstream = fakeFetch([okStream()])
    const tools = [{ type: 'function' as const, function: { name: 'ping', description: 'Ping', parameters: {} } }]
    const run = consume(client(upstream.fetch).stream({ ...REQUEST, tools, headers: { 'x-title': 'demo' }, body: { temperature: 0 } }, new AbortController().signal))
    await run.finished
    expect(run.events).toEqual([{ type: 'text-delta', text: 'Hello' }, { type: 'finish', finishReason: 'stop' }])
    const [call] = upstream.calls
    expect(call!.url).toBe('https://upstream.test/api/v1/chat/completions')
    expect(call!.body).toEqual({ model: 'test/model', messages: REQUEST.messages, tools, stream: true, stream_options: { include_usage: true }, temperature: 0 })
    expect(call!.init.headers).toMatchObject({ 'authorization': `Bearer ${API_KEY}`, 'content-type': 'application/json', 'x-title': 'demo' })
  })

  it('keeps a query of the base URL (Azure\'s api-version) after the path it appends', async () => {
    const upstream = fakeFetch([okStream()])
    const azure = client(upstream.fetch, { baseUrl: 'https://example.openai.azure.com/openai/deployments/gpt-4o/?api-version=2024-10-21' })
    await consume(azure.stream(REQUEST, new AbortController().signal)).finished
    expect(upstream.calls[0]!.url).toBe('https://example.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21')
  })

  it('omits tools and Authorization when there are none', async () => {
    const upstream = fakeFetch([okStream()])
    await consume(client(upstream.fetch, { apiKey: '' }).stream({ ...REQUEST, tools: [] }, new AbortController().signal)).finished
    expect(upstream.calls[0]!.body).not.toHaveProperty('tools')
    expect(upstream.calls[0]!.init.headers).not.toHaveProperty('authorization')
  })
})

describe('createModelClient: retries before the first event only', () => {
  it('retries a 429 after the Retry-After delay, not the base delay', async () => {
    const upstream = fakeFetch([() => new Response('slow down', { status: 429, headers: { 'retry-after': '2' } }), okStream()])
    const run = consume(client(upstream.fetch).stream(REQUEST, new AbortController().signal))
    await vi.advanceTimersByTimeAsync(1_999)
    expect(upstream.calls).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    await run.finished
    expect(upstream.calls).toHaveLength(2)
    expect(run.error).toBeUndefined()
    expect(texts(run.events)).toEqual(['Hello'])
  })

  it('caps the doubling at maxRetryDelayMs', async () => {
    const upstream = fakeFetch([() => new Response('', { status: 500 }), okStream()])
    const run = consume(client(upstream.fetch, { retryBaseDelayMs: 5_000, maxRetryDelayMs: 1_000 }).stream(REQUEST, new AbortController().signal))
    await vi.advanceTimersByTimeAsync(1_000)
    await run.finished
    expect(upstream.calls).toHaveLength(2)
  })

  it('retries 500s and network errors with exponential backoff, then succeeds', async () => {
    const upstream = fakeFetch([
      () => new Response('boom', { status: 500 }),
      () => Promise.reject(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') })),
      okStream('Recovered'),
    ])
    const run = consume(client(upstream.fetch).stream(REQUEST, new AbortController().signal))
    await vi.advanceTimersByTimeAsync(99)
    expect(upstream.calls).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(upstream.calls).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(199)
    expect(upstream.calls).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1)
    await run.finished
    expect(upstream.calls).toHaveLength(3)
    expect(texts(run.events)).toEqual(['Recovered'])
  })

  it('gives up after maxRetries with the last error', async () => {
    const upstream = fakeFetch([() => new Response('down', { status: 503 })])
    const run = consume(client(upstream.fetch).stream(REQUEST, new AbortController().signal))
    await vi.advanceTimersByTimeAsync(10_000)
    await run.finished
    expect(upstream.calls).toHaveLength(3)
    expect(run.error).toBeInstanceOf(UpstreamHttpError)
    expect((run.error as UpstreamHttpError).status).toBe(503)
  })

  it('does not retry a 400 and never puts the key in the message', async () => {
    const upstream = fakeFetch([() => new Response(JSON.stringify({ error: `invalid key ${API_KEY} (Bearer ${API_KEY})` }), { status: 400 })])
    const run = consume(client(upstream.fetch).stream(REQUEST, new AbortController().signal))
    await run.finished
    expect(upstream.calls).toHaveLength(1)
    const error = run.error as UpstreamHttpError
    expect(error).toBeInstanceOf(UpstreamHttpError)
    expect(error.code).toBe('upstream-http')
    expect(error.retryable).toBe(false)
    expect(error.message).toContain('HTTP 400')
    expect(error.message).toContain('invalid key')
    expect(error.message).not.toContain(API_KEY)
    expect(error.message).not.toContain('very-secret')
  })

  it('never retries after the first event: a failure mid-stream throws, keeping the text', async () => {
    const body = controllableBody()
    const upstream = fakeFetch([() => new Response(body.stream, { status: 200 }), okStream('second try')])
    const run = consume(client(upstream.fetch).stream(REQUEST, new AbortController().signal))
    body.push(textChunk('Partial'))
    await vi.advanceTimersByTimeAsync(0)
    body.fail(new TypeError('terminated'))
    await vi.advanceTimersByTimeAsync(10_000)
    await run.finished
    expect(upstream.calls).toHaveLength(1)
    expect(texts(run.events)).toEqual(['Partial'])
    expect(run.error).toBeInstanceOf(UpstreamNetworkError)
  })

  it('surfaces a mid-stream error chunk as UpstreamStreamError without retrying', async () => {
    const upstream = fakeFetch([() => new Response(`${textChunk('Some')}data: {"error":{"message":"Model crashed"}}\n\n`, { status: 200 }), okStream()])
    const run = consume(client(upstream.fetch).stream(REQUEST, new AbortController().signal))
    await run.finished
    expect(upstream.calls).toHaveLength(1)
    expect(texts(run.events)).toEqual(['Some'])
    expect(run.error).toBeInstanceOf(UpstreamStreamError)
    expect((run.error as Error).message).toContain('Model crashed')
  })
})

describe('createModelClient: timeouts', () => {
  it('fails with a first-token timeout when only comments arrive, and aborts the request', async () => {
    const body = controllableBody()
    const upstream = fakeFetch([() => new Response(body.stream, { status: 200 })])
    const run = consume(client(upstream.fetch).stream(REQUEST, new AbortController().signal))
    body.push(': OPENROUTER PROCESSING\n\n')
    await vi.advanceTimersByTimeAsync(9_999)
    expect(run.done).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await run.finished
    expect(run.error).toBeInstanceOf(UpstreamTimeoutError)
    expect((run.error as UpstreamTimeoutError).kind).toBe('first-token')
    expect(upstream.calls).toHaveLength(1)
    expect(upstream.calls[0]!.init.signal!.aborted).toBe(true)
    expect(body.state.cancelled).toBe(true)
  })

  it('fails with a first-token timeout when the response headers never come', async () => {
    const upstream = fakeFetch([() => new Promise<Response>(() => {})])
    const run = consume(client(upstream.fetch).stream(REQUEST, new AbortController().signal))
    await vi.advanceTimersByTimeAsync(10_000)
    await run.finished
    expect((run.error as UpstreamTimeoutError).kind).toBe('first-token')
  })

  it('fails with a stall timeout after silence between chunks', async () => {
    const body = controllableBody()
    const upstream = fakeFetch([() => new Response(body.stream, { status: 200 })])
    const run = consume(client(upstream.fetch).stream(REQUEST, new AbortController().signal))
    body.push(textChunk('One'))
    await vi.advanceTimersByTimeAsync(4_000)
    body.push(textChunk(' two'))
    await vi.advanceTimersByTimeAsync(4_999)
    expect(run.done).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await run.finished
    expect(texts(run.events)).toEqual(['One', ' two'])
    expect(run.error).toBeInstanceOf(UpstreamTimeoutError)
    expect((run.error as UpstreamTimeoutError).kind).toBe('stall')
    expect(body.state.cancelled).toBe(true)
  })
})

describe('createModelClient: abort', () => {
  it('stops promptly mid-stream with the signal reason and aborts the upstream request', async () => {
    const body = controllableBody()
    const upstream = fakeFetch([() => new Response(body.stream, { status: 200 })])
    const controller = new AbortController()
    const run = consume(client(upstream.fetch).stream(REQUEST, controller.signal))
    body.push(textChunk('Before abort'))
    await vi.advanceTimersByTimeAsync(0)
    const reason = new Error('user aborted')
    controller.abort(reason)
    await run.finished
    expect(run.error).toBe(reason)
    expect(texts(run.events)).toEqual(['Before abort'])
    expect(upstream.calls[0]!.init.signal!.aborted).toBe(true)
    expect(body.state.cancelled).toBe(true)
  })

  it('stops during a retry delay and before any request', async () => {
    const upstream = fakeFetch([() => new Response('', { status: 500 })])
    const controller = new AbortController()
    const run = consume(client(upstream.fetch).stream(REQUEST, controller.signal))
    await vi.advanceTimersByTimeAsync(50)
    controller.abort()
    await run.finished
    expect((run.error as DOMException).name).toBe('AbortError')
    expect(upstream.calls).toHaveLength(1)

    const late = consume(client(upstream.fetch).stream(REQUEST, controller.signal))
    await late.finished
    expect((late.error as DOMException).name).toBe('AbortError')
    expect(upstream.calls).toHaveLength(1)
  })

  it('releases the upstream when the consumer stops early', async () => {
    const body = controllableBody()
    const upstream = fakeFetch([() => new Response(body.stream, { status: 200 })])
    body.push(textChunk('a') + textChunk('b'))
    for await (const event of client(upstream.fetch).stream(REQUEST, new AbortController().signal)) {
      expect(event).toEqual({ type: 'text-delta', text: 'a' })
      break
    }
    expect(upstream.calls[0]!.init.signal!.aborted).toBe(true)
    expect(body.state.cancelled).toBe(true)
  })
})
