/**
 * What the user reads when the endpoint refuses a conversation longer than the model's window:
 * OpenAI's real 400 (`context_length_exceeded`) from the mock upstream over HTTP, through the real
 * client and the loop. It is not retried (one request), the endpoint's words stay, and the message
 * names the setting that keeps a thread within the window — before, it ended with the endpoint's
 * words alone, and nothing said what to change.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { isContextOverflow } from '../../server/lib/executor/context-overflow'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createModelClient } from '../../server/lib/model/client'
import { UpstreamHttpError, UpstreamStreamError } from '../../server/lib/model/errors'
import { TEST_CLIENT_OPTIONS } from '../support/collect-stream'
import { createFakeRunContext } from '../support/fake-run-context'
import { startMockUpstream } from '../support/mock-upstream'
import type { MockUpstream } from '../support/mock-upstream'

const OPENAI_400 = JSON.stringify({ error: { message: 'This model\'s maximum context length is 8192 tokens. However, your messages resulted in 9120 tokens. Please reduce the length of the messages.', type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } })

let mock: MockUpstream | undefined
afterEach(async () => {
  await mock?.close()
  mock = undefined
})

async function failedTurn(config: BackgroundJobsConfigInput = {}) {
  mock = await startMockUpstream([{ status: 400, headers: { 'content-type': 'application/json' }, body: OPENAI_400 }])
  // Retries on: a 400 must not use them.
  const model = createModelClient({ ...TEST_CLIENT_OPTIONS, maxRetries: 2, baseUrl: mock.url, apiKey: 'sk-test' })
  const fake = createFakeRunContext({ model, config })
  const failure = await runChatJob(fake.context, { type: 'chat', messages: [{ role: 'user', content: 'Hi again' }], tools: [] }).catch(error => error)
  return { failure, requests: mock.requests.length }
}

describe('the endpoint refusing a conversation over the model\'s window', () => {
  it('is not retried, keeps the endpoint\'s words and names the context budget setting', async () => {
    const { failure, requests } = await failedTurn()
    expect(requests).toBe(1)
    expect(failure).toMatchObject({ code: 'upstream-http', details: { failedDuring: 'model' } })
    expect(failure.message).toMatch(/^The model endpoint answered HTTP 400: This model's maximum context length is 8192 tokens\. .*\(context_length_exceeded\) — the conversation is longer than the model's context window: give the model a context budget/)
    expect(failure.message).toContain('upstream.contextTokens (NUXT_BACKGROUND_JOBS_UPSTREAM_CONTEXT_TOKENS) or upstream.modelContextTokens')
  })

  it('with a budget that was too generous, says to lower it', async () => {
    const { failure, requests } = await failedTurn({ upstream: { contextTokens: 8_000 } })
    expect(requests).toBe(1)
    expect(failure.message).toContain('within the context budget by its estimate (8000 tokens, upstream.contextTokens, NUXT_BACKGROUND_JOBS_UPSTREAM_CONTEXT_TOKENS) but not within the model\'s window: lower the budget')
  })

  it('knows the other providers\' words for it, and nothing else', () => {
    const overflow = [
      new UpstreamHttpError(400, 'prompt is too long: 210000 tokens > 200000 maximum (invalid_request_error)'),
      new UpstreamHttpError(400, 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).'),
      new UpstreamHttpError(400, 'This model\'s maximum prompt length is 131072 but the request contains 140000 tokens.'),
      new UpstreamHttpError(400, 'the request exceeds the available context size, try increasing it (exceed_context_size_error)'),
      new UpstreamHttpError(422, 'Input validation error: `inputs` tokens + `max_new_tokens` must be <= 8192. Given: 9000'),
      new UpstreamHttpError(413, 'Prompt contains 40000 tokens, too large for model with 32768 maximum context length'),
      new UpstreamStreamError('This endpoint\'s maximum context length is 65536 tokens'),
      new UpstreamStreamError('Request too large', 'context_length_exceeded'),
    ]
    expect(overflow.map(isContextOverflow)).toEqual(overflow.map(() => true))
    const others = [
      new UpstreamHttpError(401, 'No auth credentials found'),
      new UpstreamHttpError(429, 'Rate limit reached: maximum context length of your plan'),
      new UpstreamHttpError(500, 'maximum context length'),
      new UpstreamHttpError(400, 'Invalid schema for function \'lookup\''),
      new Error('maximum context length'),
    ]
    expect(others.map(isContextOverflow)).toEqual(others.map(() => false))
  })
})
