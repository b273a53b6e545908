/**
 * A main-chat thread opened on the AI SDK page (the thread list links an AI SDK chat to the main
 * chat, and Back returns to /ai-sdk): the main chat's Regenerate starts its job with `messageId`
 * set to the first answer's job id, the first answer having none (demo/app/lib/threads.ts,
 * `messageKeyOf`). The messages route must read those two jobs as one turn, its newest answer,
 * as the main chat's history does — not the prompt twice with both answers.
 */
import type { H3Event } from 'h3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { chatHistory } from '../../server/lib/ai-sdk/chat-history'
import type { JobsRouteContext } from '../../server/lib/http/handler'
import { createTestEngine } from '../support/engine-harness'

// The route helpers import Nitro's runtime, which only exists in a built server.
vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

const event = { context: {}, node: { req: { headers: {} } } } as unknown as H3Event

describe('a main-chat regeneration on the AI SDK page', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }))
  afterEach(() => vi.useRealTimers())

  it('shows the regenerated message once, with its newest answer', async () => {
    const { engine, config } = createTestEngine({ runners: { chat: async () => {} } })
    const context: JobsRouteContext = { event, engine, config, userId: 'u1', flags: { enabled: true, tools: true, workflows: true } }
    const start = async (content: string, messageId?: string) => {
      vi.setSystemTime(Date.now() + 1000)
      const { job } = await engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content }] }, threadId: 'chat', ...(messageId ? { messageId } : {}) })
      await vi.waitFor(async () => expect((await engine.getJob('u1', job.id)).job.status).toBe('completed'))
      return job
    }
    const first = await start('Hello there')
    const regenerated = await start('Hello there', first.id)
    const next = await start('And then?')

    const messages = await chatHistory(context, 'chat')
    expect(messages.map(message => [message.role, message.id])).toEqual([
      // Named as before the regeneration (`<jobId>:user`): an AI SDK edit of it is then this turn, in place.
      ['user', `${first.id}:user`],
      ['assistant', regenerated.id],
      ['user', `${next.id}:user`],
      ['assistant', next.id],
    ])
  })
})
