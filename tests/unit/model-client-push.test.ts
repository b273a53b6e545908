/**
 * The push path of the model client (`consume`, what the engine uses): for any body and any way
 * it is cut into pieces it hands over exactly the events `stream` yields and ends with the same
 * error; over the real node:http transport it retries before the first event only, keeps partial
 * text, honours the caller's abort and reaches the upstream; an error the consumer throws passes
 * through unchanged and ends the request; the first-token and stall limits hold (fake timers).
 */
import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createModelClient } from '../../server/lib/model/client'
import type { FetchLike, ModelClientOptions } from '../../server/lib/model/client'
import { UpstreamNetworkError, UpstreamTimeoutError } from '../../server/lib/model/errors'
import type { ModelClient, ModelEvent, ModelRequest } from '../../server/lib/model/types'
import { TEST_CLIENT_OPTIONS } from '../support/collect-stream'
import { startMockUpstream } from '../support/mock-upstream'
import type { MockUpstream } from '../support/mock-upstream'
import { splitBytes } from '../support/split-bytes'

const REQUEST: ModelRequest = { model: 'test/model', messages: [{ role: 'user', content: 'Hi' }] }
const encoder = new TextEncoder()
let mock: MockUpstream | undefined

afterEach(async () => {
  await mock?.close()
  mock = undefined
  vi.useRealTimers()
})

/** What one round gave: its events and the error it ended with. */
interface Outcome { events: ModelEvent[], error: unknown }

async function pulled(client: ModelClient, signal = new AbortController().signal): Promise<Outcome> {
  const events: ModelEvent[] = []
  try {
    for await (const event of client.stream(REQUEST, signal)) events.push(event)
    return { events, error: undefined }
  }
  catch (error) {
    return { events, error }
  }
}

async function pushed(client: ModelClient, signal = new AbortController().signal): Promise<Outcome> {
  const events: ModelEvent[] = []
  try {
    await client.consume!(REQUEST, signal, event => events.push(event))
    return { events, error: undefined }
  }
  catch (error) {
    return { events, error }
  }
}

/** A fetch double that answers every request with `parts` as the body, one piece per read. */
function bodyOf(parts: Uint8Array[]): FetchLike {
  return async () => new Response(new ReadableStream<Uint8Array>({
    start(controller) {
      for (const part of parts) controller.enqueue(part)
      controller.close()
    },
  }), { status: 200 })
}

const chunk = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`
const LINE_END = fc.constantFrom('\n', '\r\n', '\r')
/** Body lines of every kind the parser meets, good and bad. */
const PIECE = fc.oneof(
  fc.string({ maxLength: 12 }).map(content => chunk({ choices: [{ index: 0, delta: { content }, finish_reason: null }] })),
  fc.string({ maxLength: 8 }).map(reasoning => chunk({ choices: [{ delta: { reasoning } }] })),
  fc.record({ index: fc.nat(2), name: fc.constantFrom('ping', 'add', ''), arguments: fc.string({ maxLength: 6 }) })
    .map(({ index, name, arguments: args }) => chunk({ choices: [{ delta: { tool_calls: [{ index, id: `call_${index}`, function: { name, arguments: args } }] } }] })),
  fc.constantFrom(
    ': OPENROUTER PROCESSING\n\n',
    chunk({ choices: [{ delta: {}, finish_reason: 'stop' }] }),
    chunk({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 2 } }),
    'data: {"error":{"message":"overloaded","code":502}}\n\n',
    'data: {"choices": [oops\n\n',
    'data: [DONE]\n\n',
    'event: ping\nid: 7\n\n',
  ),
  fc.tuple(fc.string({ maxLength: 10 }), LINE_END).map(([content, end]) => `data: ${JSON.stringify({ choices: [{ delta: { content } }] })}${end}${end}`),
)

describe('model client, push path: the same outcome as the pull path', () => {
  it('gives the events and the error stream gives, for random bodies cut at random bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.array(PIECE, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 12 }), async (pieces, cuts) => {
      const parts = splitBytes(encoder.encode(pieces.join('')), cuts)
      const options = { ...TEST_CLIENT_OPTIONS, baseUrl: 'https://upstream.test/v1', fetch: bodyOf(parts), maxRetries: 0 }
      const [pull, push] = [await pulled(createModelClient(options)), await pushed(createModelClient(options))]
      expect(push.events).toEqual(pull.events)
      expect(push.error?.constructor).toBe(pull.error?.constructor)
      expect((push.error as Error | undefined)?.message).toBe((pull.error as Error | undefined)?.message)
    }), { numRuns: 200, seed: 17 })
  })
})

describe('model client, push path over node:http', () => {
  function client(overrides: Partial<ModelClientOptions> = {}) {
    return createModelClient({ ...TEST_CLIENT_OPTIONS, baseUrl: mock!.url, apiKey: 'sk-push', ...overrides })
  }

  it('hands over the text in order, then the finish', async () => {
    mock = await startMockUpstream([{ chunks: ['One', ' two', ' three'] }])
    const { events, error } = await pushed(client())
    expect(error).toBeUndefined()
    expect(events.filter(event => event.type === 'text-delta')).toEqual([
      { type: 'text-delta', text: 'One' },
      { type: 'text-delta', text: ' two' },
      { type: 'text-delta', text: ' three' },
    ])
    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' })
  })

  it('retries a 429 before the first event', async () => {
    mock = await startMockUpstream([{ status: 429, headers: { 'retry-after': '0' } }, { chunks: ['After retry'] }])
    const { events, error } = await pushed(client({ maxRetries: 1 }))
    expect(error).toBeUndefined()
    expect(events[0]).toEqual({ type: 'text-delta', text: 'After retry' })
    expect(mock.requests).toHaveLength(2)
  })

  it('a connection cut mid-stream is a network error after the text so far, without a retry', async () => {
    mock = await startMockUpstream([{ chunks: ['one', 'two', 'three'], closeAfterChunks: 2 }])
    const { events, error } = await pushed(client({ maxRetries: 2 }))
    expect(events).toEqual([{ type: 'text-delta', text: 'one' }, { type: 'text-delta', text: 'two' }])
    expect(error).toBeInstanceOf(UpstreamNetworkError)
    expect((error as Error).message).toBe('The connection to the model endpoint broke before the answer ended: aborted (ECONNRESET)')
    expect(mock.requests).toHaveLength(1)
  })

  it('the caller\'s abort mid-stream rejects with its reason and reaches the upstream', async () => {
    let release!: () => void
    mock = await startMockUpstream([{ chunks: ['before', 'after'], pauseAfterChunks: 1, resume: new Promise<void>((resolve) => { release = resolve }) }])
    const controller = new AbortController()
    const reason = new Error('user left')
    const events: ModelEvent[] = []
    const done = client().consume!(REQUEST, controller.signal, (event) => {
      events.push(event)
      controller.abort(reason)
    })
    await expect(done).rejects.toBe(reason)
    expect(events).toEqual([{ type: 'text-delta', text: 'before' }])
    await vi.waitFor(() => expect(mock!.requests[0]!.aborted).toBe(true))
    release()
  })

  it('the caller\'s abort made inside a piece\'s events hands over none of that piece\'s later events', async () => {
    // Three deltas and the end in one body piece: the parser completes them all at once.
    const piece = encoder.encode(['a', 'b', 'c'].map(content => chunk({ choices: [{ index: 0, delta: { content }, finish_reason: null }] })).join('') + 'data: [DONE]\n\n')
    const client = createModelClient({ ...TEST_CLIENT_OPTIONS, baseUrl: 'https://upstream.test/v1', fetch: bodyOf([piece]), maxRetries: 0 })
    const controller = new AbortController()
    const reason = new Error('user left')
    const events: ModelEvent[] = []
    const done = client.consume!(REQUEST, controller.signal, (event) => {
      events.push(event)
      controller.abort(reason)
    })
    await expect(done).rejects.toBe(reason)
    expect(events).toEqual([{ type: 'text-delta', text: 'a' }])
  })

  it('an error the consumer throws passes through unchanged, is not retried and ends the request', async () => {
    let release!: () => void
    mock = await startMockUpstream([{ chunks: ['a', 'b'], pauseAfterChunks: 1, resume: new Promise<void>((resolve) => { release = resolve }) }])
    const thrown = new TypeError('consumer broke')
    await expect(client({ maxRetries: 2 }).consume!(REQUEST, new AbortController().signal, () => {
      throw thrown
    })).rejects.toBe(thrown)
    expect(mock.requests).toHaveLength(1)
    await vi.waitFor(() => expect(mock!.requests[0]!.aborted).toBe(true))
    release()
  })
})

describe('model client, push path: limits (fake timers)', () => {
  /** A body the test pushes bytes into. */
  function controllableBody() {
    let controller!: ReadableStreamDefaultController<Uint8Array>
    const stream = new ReadableStream<Uint8Array>({
      start(streamController) {
        controller = streamController
      },
    })
    return { stream, push: (text: string) => controller.enqueue(encoder.encode(text)) }
  }

  function run(fetch: FetchLike) {
    const client = createModelClient({ baseUrl: 'https://upstream.test/v1', fetch, firstTokenTimeoutMs: 10_000, stallTimeoutMs: 5_000, maxRetries: 0, retryBaseDelayMs: 100 })
    const result: Outcome & { done: boolean } = { events: [], error: undefined, done: false }
    const finished = client.consume!(REQUEST, new AbortController().signal, event => result.events.push(event))
      .catch((error: unknown) => {
        result.error = error
      })
      .finally(() => {
        result.done = true
      })
    return Object.assign(result, { finished })
  }

  it('fails with a first-token timeout when only comments arrive, leaving no timer behind', async () => {
    vi.useFakeTimers()
    const body = controllableBody()
    const result = run(async () => new Response(body.stream, { status: 200 }))
    body.push(': OPENROUTER PROCESSING\n\n')
    await vi.advanceTimersByTimeAsync(9_999)
    expect(result.done).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await result.finished
    expect((result.error as UpstreamTimeoutError).kind).toBe('first-token')
    expect(vi.getTimerCount()).toBe(0)
  })

  it('fails with a stall timeout after silence between chunks, keeping the text', async () => {
    vi.useFakeTimers()
    const body = controllableBody()
    const result = run(async () => new Response(body.stream, { status: 200 }))
    body.push(chunk({ choices: [{ delta: { content: 'One' } }] }))
    await vi.advanceTimersByTimeAsync(4_000)
    body.push(chunk({ choices: [{ delta: { content: ' two' } }] }))
    await vi.advanceTimersByTimeAsync(4_999)
    expect(result.done).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await result.finished
    expect(result.events).toEqual([{ type: 'text-delta', text: 'One' }, { type: 'text-delta', text: ' two' }])
    expect((result.error as UpstreamTimeoutError).kind).toBe('stall')
    expect(vi.getTimerCount()).toBe(0)
  })
})
