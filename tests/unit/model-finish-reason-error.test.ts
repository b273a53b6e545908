/**
 * OpenRouter normalises a generation that failed to `finish_reason: "error"` (the provider's own
 * reason in `native_finish_reason`: Gemini's MALFORMED_FUNCTION_CALL ends a round so, with no
 * text, no call and no `error` object). That is a failed round, as an error chunk is: the text
 * before it is kept, the round's half-made calls are not run, and the job fails — it used to end
 * `completed` with an empty (or cut-off) answer.
 */
import { describe, expect, it } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createModelClient } from '../../server/lib/model/client'
import type { FetchLike } from '../../server/lib/model/client'
import { UpstreamStreamError } from '../../server/lib/model/errors'
import { TEST_CLIENT_OPTIONS } from '../support/collect-stream'
import { createFakeRunContext } from '../support/fake-run-context'
import { parseBody } from '../support/parse-body'

const chunk = (delta: Record<string, unknown>, finishReason: string | null = null, extra: Record<string, unknown> = {}) =>
  `data: ${JSON.stringify({ id: 'gen-1', choices: [{ index: 0, delta, finish_reason: finishReason, ...extra }] })}\n\n`
const FAILED = chunk({ role: 'assistant', content: '' }, 'error', { native_finish_reason: 'MALFORMED_FUNCTION_CALL' })
const USAGE = `data: ${JSON.stringify({ id: 'gen-1', choices: [], usage: { prompt_tokens: 2595, completion_tokens: 0, total_tokens: 2595 } })}\n\n`

describe('finish_reason "error"', () => {
  it('fails the stream after the text before it, naming the native reason; the round\'s calls are not emitted', async () => {
    const { events, error } = await parseBody([
      chunk({ content: 'Let me check.' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"city":' } }] }),
      FAILED,
      USAGE,
      'data: [DONE]\n\n',
    ].join(''))
    expect(events).toEqual([{ type: 'text-delta', text: 'Let me check.' }])
    expect(error).toBeInstanceOf(UpstreamStreamError)
    expect((error as UpstreamStreamError).message).toBe('The model stream reported an error: the generation ended with finish_reason "error" (MALFORMED_FUNCTION_CALL)')
    expect((error as UpstreamStreamError).retryable).toBe(false)
  })

  it('a chat job whose round ends so fails with upstream-stream instead of completing with an empty answer', async () => {
    const fetch: FetchLike = async () => new Response(FAILED + USAGE + 'data: [DONE]\n\n', { status: 200, headers: { 'content-type': 'text/event-stream' } })
    const model = createModelClient({ ...TEST_CLIENT_OPTIONS, baseUrl: 'https://openrouter.test/api/v1', apiKey: 'sk-test', fetch })
    const fake = createFakeRunContext({ model })
    await expect(runChatJob(fake.context, { type: 'chat', messages: [{ role: 'user', content: 'Weather in Paris?' }] })).rejects.toMatchObject({ code: 'upstream-stream' })
  })

  it('other finish reasons still end the round normally', async () => {
    const { events, error } = await parseBody(chunk({ content: 'Cut' }, 'length') + 'data: [DONE]\n\n')
    expect(error).toBeUndefined()
    expect(events).toEqual([{ type: 'text-delta', text: 'Cut' }, { type: 'finish', finishReason: 'length' }])
  })
})
