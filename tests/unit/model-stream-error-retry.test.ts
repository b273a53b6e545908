/**
 * An `{"error": …}` chunk that comes before any event is the same failure an HTTP status would
 * have been (OpenRouter answers 200, then reports the provider's 429 or 502 in the stream): the
 * client retries it like the status, on both the pull and the push path. After an event, or for
 * an error that is the request's own fault, it is never retried.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createModelClient } from '../../server/lib/model/client'
import type { FetchLike } from '../../server/lib/model/client'
import { UpstreamStreamError } from '../../server/lib/model/errors'
import type { ModelClient, ModelEvent, ModelRequest } from '../../server/lib/model/types'

const REQUEST: ModelRequest = { model: 'test/model', messages: [{ role: 'user', content: 'Hi' }] }

const chunk = (body: unknown) => `data: ${JSON.stringify(body)}\n\n`
const text = (content: string) => chunk({ choices: [{ index: 0, delta: { content }, finish_reason: null }] })
const ANSWER = `${text('Hello')}${chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}data: [DONE]\n\n`

/** Answers each request with the next body (the last one repeats), counting the requests. */
function bodies(...answers: string[]) {
  let calls = 0
  const fetch: FetchLike = async () => new Response(answers[Math.min(calls++, answers.length - 1)]!, { status: 200 })
  return { fetch, calls: () => calls }
}

function client(fetch: FetchLike): ModelClient {
  return createModelClient({ baseUrl: 'https://upstream.test/v1', apiKey: 'sk-test', fetch, firstTokenTimeoutMs: 10_000, stallTimeoutMs: 5_000, maxRetries: 2, retryBaseDelayMs: 100 })
}

type Read = (model: ModelClient) => Promise<{ events: ModelEvent[], error: unknown }>

const pulled: Read = async (model) => {
  const events: ModelEvent[] = []
  try {
    for await (const event of model.stream(REQUEST, new AbortController().signal)) events.push(event)
    return { events, error: undefined }
  }
  catch (error) {
    return { events, error }
  }
}

const pushed: Read = async (model) => {
  const events: ModelEvent[] = []
  try {
    await model.consume!(REQUEST, new AbortController().signal, event => events.push(event))
    return { events, error: undefined }
  }
  catch (error) {
    return { events, error }
  }
}

const texts = (events: ModelEvent[]) => events.flatMap(event => event.type === 'text-delta' ? [event.text] : [])

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  expect(vi.getTimerCount()).toBe(0)
  vi.useRealTimers()
})

describe.each([['stream', pulled], ['consume', pushed]] as const)('an error chunk before the first event (%s)', (_name, read) => {
  it.each([
    ['OpenRouter\'s provider status', { message: 'Provider returned error', code: 502 }],
    ['a 429 as text', { message: 'Rate limit reached', code: '429' }],
    ['an overloaded type', { message: 'Overloaded', type: 'overloaded_error' }],
  ])('is retried like the HTTP status: %s', async (_what, error) => {
    const upstream = bodies(chunk({ error }), ANSWER)
    const run = read(client(upstream.fetch))
    await vi.advanceTimersByTimeAsync(100)
    const { events, error: thrown } = await run
    expect(thrown).toBeUndefined()
    expect(upstream.calls()).toBe(2)
    expect(texts(events)).toEqual(['Hello'])
  })

  it('is not retried when it is the request\'s fault (400) or has no code', async () => {
    for (const error of [{ message: 'Invalid tool schema', code: 400, type: 'invalid_request_error' }, 'bad request']) {
      const upstream = bodies(chunk({ error }), ANSWER)
      const { error: thrown } = await read(client(upstream.fetch))
      expect(thrown).toBeInstanceOf(UpstreamStreamError)
      expect(upstream.calls()).toBe(1)
    }
  })

  it('is never retried after an event went out (the text would repeat)', async () => {
    const upstream = bodies(text('Partial') + chunk({ error: { message: 'Provider returned error', code: 502 } }), ANSWER)
    const { events, error } = await read(client(upstream.fetch))
    expect(error).toBeInstanceOf(UpstreamStreamError)
    expect(texts(events)).toEqual(['Partial'])
    expect(upstream.calls()).toBe(1)
  })
})
