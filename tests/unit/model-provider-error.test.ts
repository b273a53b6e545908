/**
 * OpenRouter (the default upstream) wraps a provider's failure as `{ message: 'Provider returned
 * error', code, metadata: { provider_name, raw } }`, in an HTTP error body and in a stream's error
 * chunk alike. The job's error carries what the provider said, not only the wrapper's words.
 */
import { describe, expect, it } from 'vitest'
import { createModelClient } from '../../server/lib/model/client'
import type { FetchLike } from '../../server/lib/model/client'
import { describeErrorBody } from '../../server/lib/model/error-body'
import type { ModelRequest } from '../../server/lib/model/types'

const REQUEST: ModelRequest = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }
const API_KEY = 'sk-or-v1-secret'

const CONTEXT_TOO_LONG = {
  error: {
    code: 400,
    message: 'Provider returned error',
    metadata: {
      provider_name: 'OpenAI',
      raw: JSON.stringify({ error: { message: 'This model\'s maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens.', type: 'invalid_request_error', code: 'context_length_exceeded' } }),
    },
  },
}

async function failureOf(answer: () => Response): Promise<Error> {
  const fetch: FetchLike = async () => answer()
  const client = createModelClient({ baseUrl: 'https://openrouter.test/api/v1', apiKey: API_KEY, fetch, firstTokenTimeoutMs: 5_000, stallTimeoutMs: 5_000, maxRetries: 0, retryBaseDelayMs: 1 })
  try {
    await client.consume!(REQUEST, new AbortController().signal, () => {})
  }
  catch (error) {
    return error as Error
  }
  throw new Error('the round did not fail')
}

describe('an error a gateway wraps (OpenRouter\'s metadata.raw)', () => {
  it('an HTTP error names the provider and what it said', async () => {
    const error = await failureOf(() => new Response(JSON.stringify(CONTEXT_TOO_LONG), { status: 400 }))
    expect(error.message).toBe('The model endpoint answered HTTP 400: Provider returned error (400) — OpenAI: This model\'s maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. (context_length_exceeded)')
  })

  it('an error chunk mid-stream too, with the key scrubbed from what the provider echoed', async () => {
    const chunk = { error: { code: 502, message: 'Provider returned error', metadata: { provider_name: 'Together', raw: `upstream connect error: invalid key ${API_KEY}` } } }
    const error = await failureOf(() => new Response(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'Hi' } }] })}\n\ndata: ${JSON.stringify(chunk)}\n\n`, { status: 200 }))
    expect(error.message).toBe('The model stream reported an error: Provider returned error — Together: upstream connect error: invalid key [redacted]')
  })

  it('the provider alone, an object raw, and bodies without metadata as before', () => {
    expect(describeErrorBody(JSON.stringify({ error: { code: 429, message: 'Provider returned error', metadata: { provider_name: 'Venice' } } }))).toBe('Provider returned error (429) — Venice')
    expect(describeErrorBody(JSON.stringify({ error: { code: 429, message: 'Provider returned error', metadata: { raw: { error: { code: 429, message: 'Resource exhausted' } } } } }))).toBe('Provider returned error (429) — Resource exhausted (429)')
    expect(describeErrorBody('{"error":{"message":"overloaded","code":"overloaded"}}')).toBe('overloaded')
    expect(describeErrorBody(JSON.stringify({ error: { message: 'Input flagged', code: 403, metadata: ['odd'] } }))).toBe('Input flagged (403)')
  })
})
