/**
 * A round the provider's content filter ended (`finish_reason: "content_filter"`) before any text
 * and without tool calls left the user nothing: the job ended `completed` with an empty answer and
 * no reason. It now fails with `upstream-content-filter` (text of earlier rounds kept); a filtered
 * round that said something still completes with that text (`steps[].finishReason` tells it).
 */
import { describe, expect, it } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createModelClient } from '../../server/lib/model/client'
import type { FetchLike } from '../../server/lib/model/client'
import { TEST_CLIENT_OPTIONS } from '../support/collect-stream'
import { createFakeRunContext } from '../support/fake-run-context'

const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-1', choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`
const USAGE = `data: ${JSON.stringify({ id: 'chatcmpl-1', choices: [], usage: { prompt_tokens: 12, completion_tokens: 0, total_tokens: 12 } })}\n\n`

function jobWith(body: string) {
  const fetch: FetchLike = async () => new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } })
  const model = createModelClient({ ...TEST_CLIENT_OPTIONS, baseUrl: 'https://api.openai.test/v1', apiKey: 'sk-test', fetch })
  return createFakeRunContext({ model })
}

describe('finish_reason "content_filter"', () => {
  it('with no text fails the job with upstream-content-filter, saying the provider filtered the answer', async () => {
    const fake = jobWith(chunk({ role: 'assistant', content: '' }) + chunk({}, 'content_filter') + USAGE + 'data: [DONE]\n\n')
    const run = runChatJob(fake.context, { type: 'chat', messages: [{ role: 'user', content: 'Tell me something' }] })
    await expect(run).rejects.toMatchObject({ code: 'upstream-content-filter', details: { failedDuring: 'model' } })
    await expect(run).rejects.toThrow('content filter')
    // The round is still recorded as it ended, with its usage.
    expect(fake.state().steps.at(-1)).toMatchObject({ finishReason: 'content_filter', usage: { prompt: 12 } })
  })

  it('with only white space as text fails the same way', async () => {
    const fake = jobWith(chunk({ content: '\n\n' }) + chunk({}, 'content_filter') + 'data: [DONE]\n\n')
    await expect(runChatJob(fake.context, { type: 'chat', messages: [{ role: 'user', content: 'Hi' }] })).rejects.toMatchObject({ code: 'upstream-content-filter' })
  })

  it('after some text completes with that text, the round\'s finishReason telling it was filtered', async () => {
    const fake = jobWith(chunk({ content: 'Here is the first part' }) + chunk({}, 'content_filter') + 'data: [DONE]\n\n')
    await expect(runChatJob(fake.context, { type: 'chat', messages: [{ role: 'user', content: 'Hi' }] })).resolves.toBeUndefined()
    expect(fake.state().content).toBe('Here is the first part')
    expect(fake.state().steps.at(-1)?.finishReason).toBe('content_filter')
  })
})
