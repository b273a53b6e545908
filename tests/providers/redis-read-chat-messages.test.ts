/**
 * `readChatMessages` (decision 40) on the Redis provider: a chat answered on one instance is read
 * whole on another — the user's messages with the ids the client gave them, each answer under its
 * job's id — and another user's chat has none (tests/unit/read-chat-messages.test.ts: memory).
 */
import { expect, it, vi } from 'vitest'
import type { ChatJobRequest } from '../../server/lib/providers/types'
import { readChatMessagesOf } from '../../server/lib/ai-sdk/read-chat-messages'
import type { RunContext } from '../../server/lib/run-context'
import { useRedisEngines } from '../support/redis-engines'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const { redis, engines } = useRedisEngines()

/** Answers `Answer: <the last user message>` in one step. */
async function answer(context: RunContext, request: ChatJobRequest): Promise<void> {
  context.emit({ type: 'step-start', step: 1 })
  context.text(`Answer: ${String(request.messages.at(-1)!.content)}`)
  context.emit({ type: 'step-end', step: 1, finishReason: 'stop' })
}

it('a chat answered on one instance is read on another, for its user only', async () => {
  const keyPrefix = `read-chat-${process.pid}:`
  const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a', chat: answer as never })
  const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'b' })
  const jobs: string[] = []
  for (const [messageId, content] of [['m1', 'first'], ['m2', 'second']] as const) {
    const { job } = await a.engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content }] }, threadId: 'chat-1', messageId })
    await a.engine.whenSettled(job.id)
    jobs.push(job.id)
  }
  const messages = await readChatMessagesOf(b.engine, 'u1', 'chat-1')
  expect(messages.map(message => [message.id, message.role, message.parts.flatMap(part => ('text' in part ? [part.text] : []))])).toEqual([
    ['m1', 'user', ['first']],
    [jobs[0], 'assistant', ['Answer: first']],
    ['m2', 'user', ['second']],
    [jobs[1], 'assistant', ['Answer: second']],
  ])
  expect(await readChatMessagesOf(a.engine, 'u1', 'chat-1')).toEqual(messages)
  expect(await readChatMessagesOf(b.engine, 'u2', 'chat-1')).toEqual([])
})
