/**
 * A round the endpoint fails before any text with a retryable finish reason
 * (`insufficient_system_resource`: DeepSeek ran out of capacity) is sent again. That attempt's
 * `usage` (the prompt tokens it was billed for) was on its error, and the retry dropped it: the
 * job's tokens said only what the last attempt spent. It now counts, pushed and pulled, whether
 * the last attempt answers (with or without its own usage) or fails too.
 */
import { describe, expect, it } from 'vitest'
import type { TokenUsage } from '../../shared/events'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createModelClient } from '../../server/lib/model/client'
import type { FetchLike } from '../../server/lib/model/client'
import type { ModelError } from '../../server/lib/model/errors'
import type { ModelEvent } from '../../server/lib/model/types'
import { TEST_CLIENT_OPTIONS } from '../support/collect-stream'
import { createFakeRunContext } from '../support/fake-run-context'

const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c-1', choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`
const usage = (prompt: number, completion: number) =>
  `data: ${JSON.stringify({ id: 'c-1', choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } })}\n\n`
const OUT_OF_CAPACITY = chunk({ content: '' }, 'insufficient_system_resource') + usage(100, 0)
const ANSWER = chunk({ content: 'Hello' }) + chunk({}, 'stop') + usage(100, 5) + 'data: [DONE]\n\n'
const ANSWER_WITHOUT_USAGE = chunk({ content: 'Hello' }) + chunk({}, 'stop') + 'data: [DONE]\n\n'

/** A fetch that answers each attempt with the next body. */
function bodies(...texts: string[]): FetchLike {
  let sent = 0
  return async () => new Response(texts[sent++]!, { status: 200, headers: { 'content-type': 'text/event-stream' } })
}
const request = { model: 'm', messages: [{ role: 'user' as const, content: 'Hi' }] }

/** The usage a round reports, read pushed and pulled; and its error, if it failed. */
async function roundUsage(...texts: string[]): Promise<Array<{ usage: TokenUsage | undefined, error: unknown }>> {
  const results: Array<{ usage: TokenUsage | undefined, error: unknown }> = []
  for (const mode of ['pushed', 'pulled'] as const) {
    const model = createModelClient({ ...TEST_CLIENT_OPTIONS, baseUrl: 'https://deepseek.test', apiKey: 'sk-test', fetch: bodies(...texts) })
    let usage: TokenUsage | undefined
    let error: unknown
    const onEvent = (event: ModelEvent) => {
      if (event.type === 'usage') usage = event.usage
    }
    try {
      if (mode === 'pushed') await model.consume!(request, new AbortController().signal, onEvent)
      else for await (const event of model.stream(request, new AbortController().signal)) onEvent(event)
    }
    catch (caught) {
      error = caught
    }
    results.push({ usage, error })
  }
  return results
}

describe('the usage of an attempt that was retried', () => {
  it('counts in the job\'s tokens', async () => {
    const model = createModelClient({ ...TEST_CLIENT_OPTIONS, baseUrl: 'https://deepseek.test', apiKey: 'sk-test', fetch: bodies(OUT_OF_CAPACITY, ANSWER) })
    const fake = createFakeRunContext({ model })
    await runChatJob(fake.context, { type: 'chat', messages: [{ role: 'user', content: 'Hi' }] })
    expect(fake.state().content).toBe('Hello')
    expect(fake.metrics.tokens).toEqual({ prompt: 200, completion: 5, total: 205 })
  })

  it('is added to the answer\'s usage, or reported alone when the answer has none (pushed and pulled)', async () => {
    for (const { usage } of await roundUsage(OUT_OF_CAPACITY, OUT_OF_CAPACITY, ANSWER)) expect(usage).toEqual({ prompt: 300, completion: 5, total: 305 })
    for (const { usage } of await roundUsage(OUT_OF_CAPACITY, ANSWER_WITHOUT_USAGE)) expect(usage).toEqual({ prompt: 100, completion: 0, total: 100 })
  })

  it('is added to the last attempt\'s failure when every attempt failed', async () => {
    for (const { error } of await roundUsage(OUT_OF_CAPACITY, OUT_OF_CAPACITY, OUT_OF_CAPACITY)) {
      expect((error as ModelError).code).toBe('upstream-stream')
      expect((error as ModelError).usage).toEqual({ prompt: 300, completion: 0, total: 300 })
    }
  })
})
