/**
 * OpenRouter refuses a prompt over the model's window with a numeric `error.code` (its HTTP status,
 * 400) and says it only in words (`This endpoint's maximum context length is …`), in an HTTP error
 * body or, after it answered 200, in an error chunk. The number becomes the job error's
 * `httpStatus` (decision 046) and gives no `upstreamCode`: "too long" (no Retry) is decided on the
 * hint the server adds to such words. Found here: with a context budget set, the hint says "not
 * within the model's window" and the demo read only the no-budget hint, so it said "refused this
 * request" instead of "too long"; an error chunk whose status is 429 or 5xx was taken for an
 * overflow when its words named a context length (an HTTP 429 or 5xx is not); Cohere's "too many
 * tokens" and Bedrock's "Input is too long" were no overflow's words.
 */
import { describe, expect, it } from 'vitest'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { isContextOverflow } from '../../server/lib/executor/context-overflow'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createModelClient } from '../../server/lib/model/client'
import type { FetchLike } from '../../server/lib/model/client'
import { UpstreamHttpError, UpstreamStreamError } from '../../server/lib/model/errors'
import { failureSentence, retryCanHelp } from '../../demo/app/lib/failure-kinds'
import { TEST_CLIENT_OPTIONS } from '../support/collect-stream'
import { createFakeRunContext } from '../support/fake-run-context'

/** OpenRouter's refusal, as its HTTP 400 body and as an error chunk after a 200 carry it. */
const OPENROUTER_ERROR = { code: 400, message: 'This endpoint\'s maximum context length is 8192 tokens. However, you requested about 9120 tokens (9120 of text input). Please reduce the length of either one, or use the "middle-out" transform to compress your prompt automatically.' }
const ANSWERS: Record<string, () => Response> = {
  'HTTP 400': () => new Response(JSON.stringify({ error: OPENROUTER_ERROR }), { status: 400, headers: { 'content-type': 'application/json' } }),
  'error chunk': () => new Response(`data: ${JSON.stringify({ error: OPENROUTER_ERROR })}\n\ndata: [DONE]\n\n`, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
  'error chunk, code as text': () => new Response(`data: ${JSON.stringify({ error: { ...OPENROUTER_ERROR, code: '400' } })}\n\n`, { status: 200 }),
}

const TOO_LONG = failureSentence({ code: 'context-budget-exceeded' })

/** The job error a chat turn ends with when the endpoint answers `answer`, as the job stores it. */
async function jobError(answer: () => Response, config: BackgroundJobsConfigInput) {
  const fetch: FetchLike = async () => answer()
  const model = createModelClient({ ...TEST_CLIENT_OPTIONS, baseUrl: 'https://openrouter.test/api/v1', apiKey: 'sk-or-test-0123456789', fetch })
  const failure = await runChatJob(createFakeRunContext({ model, config }).context, { type: 'chat', messages: [{ role: 'user', content: 'Hi again' }], tools: [] }).catch(error => error)
  return { code: failure.code, message: failure.message, ...failure.details }
}

describe('OpenRouter\'s refusal of a prompt over the window, with a numeric code', () => {
  for (const [shape, answer] of Object.entries(ANSWERS)) {
    for (const [setting, config] of Object.entries({ 'no budget': {}, 'a budget': { upstream: { contextTokens: 8_000 } } })) {
      it(`reads as too long, with no Retry (${shape}, ${setting})`, async () => {
        const error = await jobError(answer, config)
        expect(error).toMatchObject({ httpStatus: 400 })
        expect(error).not.toHaveProperty('upstreamCode')
        expect(failureSentence(error)).toBe(TOO_LONG)
        expect(retryCanHelp(error)).toBe(false)
      })
    }
  }
})

describe('the words of a context refusal', () => {
  it('are read on an error chunk only when its status is a refusal\'s, as on an HTTP answer', () => {
    expect(isContextOverflow(new UpstreamStreamError('This endpoint\'s maximum context length is 8192 tokens', 400))).toBe(true)
    expect(isContextOverflow(new UpstreamStreamError('This endpoint\'s maximum context length is 8192 tokens', '413'))).toBe(true)
    expect(isContextOverflow(new UpstreamStreamError('Rate limit reached: maximum context length of your plan', 429))).toBe(false)
    expect(isContextOverflow(new UpstreamStreamError('maximum context length', 502))).toBe(false)
  })

  it('include Cohere\'s and Bedrock\'s', () => {
    expect(isContextOverflow(new UpstreamHttpError(400, 'too many tokens: total number of tokens in the prompt cannot exceed 4081 - received 5000'))).toBe(true)
    expect(isContextOverflow(new UpstreamStreamError('Input is too long for requested model.', 400))).toBe(true)
    expect(isContextOverflow(new UpstreamHttpError(429, 'too many tokens per minute'))).toBe(false)
  })
})
