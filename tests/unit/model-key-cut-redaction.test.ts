/**
 * The API key is scrubbed from what an upstream echoes before that text is cut for the job's
 * error, never after: a key that straddles the cut would otherwise survive as its first characters
 * (the scrub looks for the whole key), shown to the job's user. Every cut of upstream text: a
 * stream's error chunk (its message, and the provider's `metadata.raw`), a chunk that is not JSON,
 * a 200 answer that is no event stream, and an HTTP error body's provider text.
 */
import { describe, expect, it } from 'vitest'
import { createModelClient } from '../../server/lib/model/client'
import type { FetchLike } from '../../server/lib/model/client'
import type { ModelRequest } from '../../server/lib/model/types'

const REQUEST: ModelRequest = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }
const API_KEY = `sk-or-v1-${'0123456789abcdef'.repeat(4)}`
/** The key's first half: what must never appear in an error. */
const KEY_PREFIX = API_KEY.slice(0, 40)

async function failureOf(answer: () => Response, consume: boolean): Promise<Error> {
  const fetch: FetchLike = async () => answer()
  const client = createModelClient({ baseUrl: 'https://openrouter.test/api/v1', apiKey: API_KEY, fetch, firstTokenTimeoutMs: 5_000, stallTimeoutMs: 5_000, maxRetries: 0, retryBaseDelayMs: 1 })
  try {
    if (consume) await client.consume!(REQUEST, new AbortController().signal, () => {})
    else for await (const _ of client.stream(REQUEST, new AbortController().signal)) { /* drain */ }
  }
  catch (error) {
    return error as Error
  }
  throw new Error('the round did not fail')
}

/** Text of `length` characters, then the key. */
function echoAt(length: number): string {
  return `${'x'.repeat(length)} ${API_KEY}`
}

const sse = (chunk: unknown) => new Response(`data: ${JSON.stringify(chunk)}\n\n`, { status: 200 })

const CASES: Array<[string, () => Response]> = [
  ['an error chunk\'s message', () => sse({ error: { code: 400, message: echoAt(270) } })],
  ['an error line\'s message', () => new Response(`error: ${JSON.stringify({ code: 400, message: echoAt(270) })}\n\n`, { status: 200 })],
  ['an error chunk\'s provider text', () => sse({ error: { code: 502, message: 'Provider returned error', metadata: { provider_name: 'Together', raw: echoAt(170) } } })],
  ['a chunk that is not JSON', () => new Response(`data: ${echoAt(95)}\n\n`, { status: 200 })],
  ['a 200 answer that is no event stream', () => new Response(JSON.stringify({ error: { message: echoAt(170) } }), { status: 200 })],
  ['an HTTP error body\'s provider text', () => new Response(JSON.stringify({ error: { code: 401, message: 'Provider returned error', metadata: { provider_name: 'Together', raw: echoAt(170) } } }), { status: 401 })],
]

describe('the API key echoed near where upstream text is cut', () => {
  for (const consume of [true, false]) {
    for (const [what, answer] of CASES) {
      it(`${what} (${consume ? 'consume' : 'stream'})`, async () => {
        const error = await failureOf(answer, consume)
        expect(error.message).not.toContain(KEY_PREFIX)
        expect(error.message).not.toContain(API_KEY.slice(0, 12))
      })
    }
  }
})
