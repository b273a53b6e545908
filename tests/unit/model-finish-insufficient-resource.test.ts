/**
 * DeepSeek ends a generation its servers interrupted with `finish_reason:
 * "insufficient_system_resource"` (its API docs; the AI SDK's DeepSeek provider maps it to
 * `error`). The parser took it as a normal end: the job ended `completed` with the answer cut
 * short and no reason. It is now a failed round, as `finish_reason: "error"` is: the text before it
 * kept, a transient failure (retried when nothing came before it).
 */
import { describe, expect, it } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createModelClient } from '../../server/lib/model/client'
import type { FetchLike } from '../../server/lib/model/client'
import { UpstreamStreamError } from '../../server/lib/model/errors'
import { TEST_CLIENT_OPTIONS } from '../support/collect-stream'
import { createFakeRunContext } from '../support/fake-run-context'
import { parseBody } from '../support/parse-body'

const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c-1', choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`
const INTERRUPTED = chunk({ content: '' }, 'insufficient_system_resource')

describe('finish_reason "insufficient_system_resource"', () => {
  it('fails the stream after the text before it, as a transient failure', async () => {
    const { events, error } = await parseBody(chunk({ content: 'The answer is' }) + INTERRUPTED + 'data: [DONE]\n\n')
    expect(events).toEqual([{ type: 'text-delta', text: 'The answer is' }])
    expect(error).toBeInstanceOf(UpstreamStreamError)
    expect((error as UpstreamStreamError).message).toBe('The model stream reported an error: the generation was interrupted: the provider ran out of capacity (finish_reason "insufficient_system_resource")')
    expect((error as UpstreamStreamError).retryable).toBe(true)
  })

  it('a chat job cut so fails with upstream-stream, keeping its text, instead of completing', async () => {
    const fetch: FetchLike = async () => new Response(chunk({ content: 'The answer is' }) + INTERRUPTED + 'data: [DONE]\n\n', { status: 200, headers: { 'content-type': 'text/event-stream' } })
    const model = createModelClient({ ...TEST_CLIENT_OPTIONS, baseUrl: 'https://api.deepseek.test', apiKey: 'sk-test', fetch })
    const fake = createFakeRunContext({ model })
    await expect(runChatJob(fake.context, { type: 'chat', messages: [{ role: 'user', content: 'Hi' }] })).rejects.toMatchObject({ code: 'upstream-stream' })
    expect(fake.state().content).toBe('The answer is')
  })

  it('before any text, the request is sent again', async () => {
    let requests = 0
    const fetch: FetchLike = async () => {
      requests++
      const body = requests === 1 ? INTERRUPTED + 'data: [DONE]\n\n' : chunk({ content: 'Hello' }, 'stop') + 'data: [DONE]\n\n'
      return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } })
    }
    const model = createModelClient({ ...TEST_CLIENT_OPTIONS, baseUrl: 'https://api.deepseek.test', apiKey: 'sk-test', fetch })
    const fake = createFakeRunContext({ model })
    await runChatJob(fake.context, { type: 'chat', messages: [{ role: 'user', content: 'Hi' }] })
    expect(requests).toBe(2)
    expect(fake.state().content).toBe('Hello')
  })
})
