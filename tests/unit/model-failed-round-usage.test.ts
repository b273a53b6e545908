/**
 * A round the endpoint ends with `finish_reason: "error"` (OpenRouter) or
 * `"insufficient_system_resource"` (DeepSeek) failed at once at that chunk, and the `usage` chunk
 * the endpoint sends after it (`stream_options.include_usage`) was never read: the tokens the
 * round spent — billed — were missing from the job's metrics (`job-end`, the job span's
 * `.tokens.*`). The parser now reads on to the body's end for that usage and hands it over on the
 * failure (`ModelError.usage`); the round adds it to the job's tokens before it fails the job. An
 * endpoint that then keeps the body open still fails the round by its finish reason (not as a
 * timeout) once the stall limit ends the wait. A round a tool call without a name fails
 * (`upstream-protocol`) keeps its usage the same way: it was lost with the failure at the finish chunk.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createModelClient } from '../../server/lib/model/client'
import type { FetchLike } from '../../server/lib/model/client'
import { ModelError, UpstreamStreamError } from '../../server/lib/model/errors'
import { TEST_CLIENT_OPTIONS } from '../support/collect-stream'
import { createFakeRunContext } from '../support/fake-run-context'
import { parseBody } from '../support/parse-body'

const chunk = (delta: Record<string, unknown>, finishReason: string | null = null, extra: Record<string, unknown> = {}) =>
  `data: ${JSON.stringify({ id: 'c-1', choices: [{ index: 0, delta, finish_reason: finishReason }], ...extra })}\n\n`
const USAGE = `data: ${JSON.stringify({ id: 'c-1', choices: [], usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 } })}\n\n`

/** Runs a chat job against one streamed body; returns the fake run context. */
async function failedJob(body: string) {
  const fetch: FetchLike = async () => new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } })
  const model = createModelClient({ ...TEST_CLIENT_OPTIONS, baseUrl: 'https://openrouter.test', apiKey: 'sk-test', fetch })
  const fake = createFakeRunContext({ model })
  await expect(runChatJob(fake.context, { type: 'chat', messages: [{ role: 'user', content: 'Hi' }] })).rejects.toMatchObject({ code: 'upstream-stream' })
  return fake
}

describe('the usage of a round that failed by its finish reason', () => {
  it('a usage chunk after finish_reason "error" counts in the job\'s tokens', async () => {
    const fake = await failedJob(chunk({ content: 'The answer is' }) + chunk({}, 'error') + USAGE + 'data: [DONE]\n\n')
    expect(fake.state().content).toBe('The answer is')
    expect(fake.metrics.tokens).toEqual({ prompt: 120, completion: 30, total: 150 })
  })

  it('so does usage in the failing chunk itself, and after "insufficient_system_resource"', async () => {
    const same = await failedJob(chunk({ content: 'The answer is' }, 'error', { usage: { prompt_tokens: 7, completion_tokens: 2 } }) + 'data: [DONE]\n\n')
    expect(same.metrics.tokens).toEqual({ prompt: 7, completion: 2, total: 9 })
    const deepSeek = await failedJob(chunk({ content: 'The answer is' }) + chunk({ content: '' }, 'insufficient_system_resource') + USAGE)
    expect(deepSeek.metrics.tokens).toEqual({ prompt: 120, completion: 30, total: 150 })
  })

  it('the parser keeps the failure and its text, and hands the usage over on it', async () => {
    const { events, error } = await parseBody(chunk({ content: 'The answer is' }) + chunk({}, 'error') + chunk({ content: ' more' }) + USAGE + 'data: [DONE]\n\n')
    expect(events).toEqual([{ type: 'text-delta', text: 'The answer is' }])
    expect(error).toBeInstanceOf(UpstreamStreamError)
    expect((error as ModelError).message).toBe('The model stream reported an error: the generation ended with finish_reason "error"')
    expect((error as ModelError).usage).toEqual({ prompt: 120, completion: 30, total: 150 })
  })
})

describe('a body left open after a failing finish', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  /** A response whose body sends `text` and never ends. */
  const openBody: FetchLike = async () => new Response(new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(chunk({ content: 'The answer is' }) + chunk({}, 'error') + USAGE))
    },
  }), { status: 200, headers: { 'content-type': 'text/event-stream' } })
  const request = { model: 'm', messages: [{ role: 'user' as const, content: 'Hi' }] }

  it('fails by the finish reason, with its usage, when the stall limit ends the wait (pushed and pulled)', async () => {
    vi.useFakeTimers()
    const model = createModelClient({ ...TEST_CLIENT_OPTIONS, baseUrl: 'https://openrouter.test', apiKey: 'sk-test', fetch: openBody })
    const pushed = model.consume!(request, new AbortController().signal, () => {}).catch((error: unknown) => error)
    const pulled = (async () => {
      for await (const _event of model.stream(request, new AbortController().signal)) { /* read on */ }
    })().catch((error: unknown) => error)
    await vi.advanceTimersByTimeAsync(TEST_CLIENT_OPTIONS.stallTimeoutMs + 100)
    for (const error of [await pushed, await pulled]) {
      expect(error).toBeInstanceOf(UpstreamStreamError)
      expect((error as ModelError).code).toBe('upstream-stream')
      expect((error as ModelError).usage).toEqual({ prompt: 120, completion: 30, total: 150 })
    }
  })
})

describe('the usage of a round that a tool call without a name failed', () => {
  const nameless = chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { arguments: '{}' } }] })

  it('a usage chunk after its finish reason, or in a body that ends with no finish reason, rides on the protocol error', async () => {
    for (const body of [chunk({ content: 'Let me look' }) + nameless + chunk({}, 'tool_calls') + USAGE + 'data: [DONE]\n\n', chunk({ content: 'Let me look' }) + nameless + USAGE]) {
      const { events, error } = await parseBody(body)
      expect(events).toEqual([{ type: 'text-delta', text: 'Let me look' }])
      expect(error).toMatchObject({ code: 'upstream-protocol', message: 'The model sent a tool call (index 0) without a name' })
      expect((error as ModelError).usage).toEqual({ prompt: 120, completion: 30, total: 150 })
    }
  })
})
