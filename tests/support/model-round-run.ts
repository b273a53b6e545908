/**
 * A model request run in the background on either of the client's paths (`stream`, the iterator;
 * `consume`, the push path), so a test with fake timers can move time and look at where it stands.
 */
import { createModelClient } from '../../server/lib/model/client'
import type { FetchLike, ModelClientOptions } from '../../server/lib/model/client'
import type { ModelClient, ModelEvent, ModelRequest } from '../../server/lib/model/types'

/** The request every such test sends. */
export const REQUEST: ModelRequest = { model: 'test/model', messages: [{ role: 'user', content: 'Hi' }] }

/** A whole streamed answer: `Hello`, then the end. */
export const ANSWER = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'Hello' }, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`

/** Where a background request stands: its events so far, its error, and whether it is over. */
export interface RoundRun {
  events: ModelEvent[]
  error: unknown
  done: boolean
}

/** Starts `REQUEST` on `model` through `path`; returns its standing, updated as it goes. */
export function startRound(model: ModelClient, path: 'stream' | 'consume'): RoundRun {
  const run: RoundRun = { events: [], error: undefined, done: false }
  const signal = new AbortController().signal
  void (async () => {
    try {
      if (path === 'consume') await model.consume!(REQUEST, signal, event => run.events.push(event))
      else for await (const event of model.stream(REQUEST, signal)) run.events.push(event)
    }
    catch (error) {
      run.error = error
    }
    run.done = true
  })()
  return run
}

/** `failures` answers from `failed()`, then the whole answer; counts the requests. */
export function failingThenOk(failed: () => Response, failures = 1): { fetch: FetchLike, calls: () => number } {
  let calls = 0
  const fetch: FetchLike = async () => calls++ < failures ? failed() : new Response(ANSWER, { status: 200 })
  return { fetch, calls: () => calls }
}

/** A 429 asking for `seconds` (with the upstream's `message`). */
export const rateLimited = (seconds: number, message = 'Rate limit exceeded') => () =>
  new Response(JSON.stringify({ error: { message } }), { status: 429, headers: { 'retry-after': String(seconds) } })

/** A 503 without Retry-After. */
export const unavailable = (message = 'Service unavailable') => () => new Response(JSON.stringify({ error: { message } }), { status: 503 })

/** The real client on `fetch`, with short timeouts, two retries and `overrides`. */
export function testModelClient(fetch: FetchLike, overrides: Partial<ModelClientOptions> = {}): ModelClient {
  return createModelClient({ baseUrl: 'https://upstream.test/v1', apiKey: 'sk-test', fetch, firstTokenTimeoutMs: 10_000, stallTimeoutMs: 5_000, maxRetries: 2, retryBaseDelayMs: 100, ...overrides })
}
