/**
 * A main-chat thread opened on the AI SDK page, after the main chat's Retry of a failed turn that
 * is not the newest: the retry starts its job with `messageId` set to the failed turn's job id
 * (demo/app/lib/threads.ts, `messageKeyOf`), and the main chat shows it last, the later turns
 * kept (they stay its history). The messages route took it for an AI SDK edit of an earlier
 * message and left the later turns out.
 */
import type { H3Event } from 'h3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { chatHistory } from '../../server/lib/ai-sdk/chat-history'
import type { JobsRouteContext } from '../../server/lib/http/handler'
import { createTestEngine } from '../support/engine-harness'

// The route helpers import Nitro's runtime, which only exists in a built server.
vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

const event = { context: {}, node: { req: { headers: {} } } } as unknown as H3Event

describe('a main-chat Retry of a failed turn mid-thread on the AI SDK page', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }))
  afterEach(() => vi.useRealTimers())

  it('keeps the later turns, the retried one last as in the main chat', async () => {
    let fail = true
    const { engine, config } = createTestEngine({ runners: { chat: async () => {
      if (fail) throw new Error('upstream down')
    } } })
    const context: JobsRouteContext = { event, engine, config, userId: 'u1', flags: { enabled: true, tools: true, workflows: true } }
    const start = async (content: string, status: string, messageId?: string) => {
      vi.setSystemTime(Date.now() + 1000)
      const { job } = await engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content }] }, threadId: 'chat', ...(messageId ? { messageId } : {}) })
      await vi.waitFor(async () => expect((await engine.getJob('u1', job.id)).job.status).toBe(status))
      return job
    }
    const failed = await start('First', 'failed')
    fail = false
    const second = await start('Second', 'completed')
    const retried = await start('First', 'completed', failed.id)

    const messages = await chatHistory(context, 'chat')
    expect(messages.map(message => [message.role, message.id])).toEqual([
      ['user', `${second.id}:user`],
      ['assistant', second.id],
      // Named as the failed turn's (`<jobId>:user`): an AI SDK edit of it is then this turn, in place.
      ['user', `${failed.id}:user`],
      ['assistant', retried.id],
    ])
  })
})
