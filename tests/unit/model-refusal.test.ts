/**
 * OpenAI's structured outputs stream a refusal as `delta.refusal` pieces (with `content: null`)
 * and then `finish_reason: "stop"`. The parser ignored the field: the job ended `completed` with
 * an empty answer. The refusal's text is now the answer's text.
 */
import { describe, expect, it } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createModelClient } from '../../server/lib/model/client'
import type { FetchLike } from '../../server/lib/model/client'
import { parseChatCompletionStream } from '../../server/lib/model/parse-stream'
import type { ModelEvent } from '../../server/lib/model/types'
import { TEST_CLIENT_OPTIONS } from '../support/collect-stream'
import { createFakeRunContext } from '../support/fake-run-context'

const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-1', choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`
const REFUSAL = [
  chunk({ role: 'assistant', content: null, refusal: '' }),
  chunk({ refusal: 'I\'m sorry, ' }),
  chunk({ refusal: 'I cannot help with that.' }),
  chunk({}, 'stop'),
  'data: [DONE]\n\n',
].join('')

async function parse(body: string) {
  const events: ModelEvent[] = []
  const bytes = (async function* () {
    yield new TextEncoder().encode(body)
  })()
  for await (const event of parseChatCompletionStream(bytes)) events.push(event)
  return events
}

describe('delta.refusal', () => {
  it('streams as the answer\'s text', async () => {
    expect(await parse(REFUSAL)).toEqual([
      { type: 'text-delta', text: 'I\'m sorry, ' },
      { type: 'text-delta', text: 'I cannot help with that.' },
      { type: 'finish', finishReason: 'stop' },
    ])
  })

  it('a chat job ends with the refusal as its answer instead of an empty one', async () => {
    const fetch: FetchLike = async () => new Response(REFUSAL, { status: 200, headers: { 'content-type': 'text/event-stream' } })
    const model = createModelClient({ ...TEST_CLIENT_OPTIONS, baseUrl: 'https://api.openai.test/v1', apiKey: 'sk-test', fetch })
    const fake = createFakeRunContext({ model })
    await runChatJob(fake.context, { type: 'chat', messages: [{ role: 'user', content: 'Hi' }] })
    expect(fake.state().content).toBe('I\'m sorry, I cannot help with that.')
  })

  it('a refusal beside content is not counted twice', async () => {
    expect(await parse(chunk({ content: 'A', refusal: null }) + chunk({}, 'stop') + 'data: [DONE]\n\n')).toEqual([
      { type: 'text-delta', text: 'A' },
      { type: 'finish', finishReason: 'stop' },
    ])
  })
})
