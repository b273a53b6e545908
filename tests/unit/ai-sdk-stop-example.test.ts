/**
 * docs/ai-sdk.md's Stop pattern: `chat.stop()`, then the chat's abort route, which aborts every
 * running job of the chat. A message the user sends between the two starts a new job that the
 * route, once it arrives, stops with the answer: the user's new message is cut off by the Stop they
 * pressed before sending it (the demo's /ai-sdk page holds Send until the stop is done, 9f54a502;
 * the layer's `useChatStop` gives `stopping` for it).
 * The docs' example must say so, or an app copying it has the same bug.
 * Real `Chat` from `@ai-sdk/vue` and the stock transport against the real chat route.
 */
import { readFileSync } from 'node:fs'
import { DefaultChatTransport } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { describe, expect, it, vi } from 'vitest'
import type { RunContext } from '../../server/lib/run-context'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

/** An answer that streams a little, then runs until its job is aborted. */
async function runner(context: RunContext): Promise<void> {
  context.emit({ type: 'step-start', step: 1 })
  context.text('Thinking ')
  await new Promise((_resolve, reject) => context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true }))
}

const app = useServedRoutes({ runners: { chat: runner } })

/** Waits (by turns of the event loop) until the chat has `count` running or ended jobs and the last runs. */
async function jobsOf(chatId: string, count: number) {
  for (let attempt = 0; attempt < 500; attempt++) {
    const jobs = await app.engine.listJobs('user-1', { threadId: chatId })
    if (jobs.length === count && jobs.some(job => job.status === 'running')) return jobs
    await new Promise(resolve => setImmediate(resolve))
  }
  throw new Error(`the chat never had ${count} jobs with one running`)
}

/** The "Leaving, reloading, stopping" section of docs/ai-sdk.md, where the Stop example is. */
function stopSection(): string {
  const text = readFileSync(new URL('../../docs/ai-sdk.md', import.meta.url), 'utf8')
  const start = text.indexOf('\n## Leaving, reloading, stopping')
  return text.slice(start, text.indexOf('\n## ', start + 1))
}

describe('docs/ai-sdk.md: Stop with the abort route', () => {
  it('the route stops a message sent between chat.stop() and its call, and the example holds Send until it is done', async () => {
    const chatId = 'chat-stop-then-send'
    const chat = new Chat<UIMessage>({ id: chatId, transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }) })
    void chat.sendMessage({ text: 'First question' })
    await jobsOf(chatId, 1)
    await chat.stop()
    // Sent at once, while the Stop's abort call is still on its way.
    void chat.sendMessage({ text: 'Second question' })
    const jobs = await jobsOf(chatId, 2)
    const second = jobs.find(job => job.status === 'running')!
    expect((await fetch(`${app.base}/api/jobs/chat/${chatId}/abort`, { method: 'POST' })).status).toBe(200)
    await app.engine.whenSettled(second.id)
    expect((await app.engine.getJob('user-1', second.id)).job.status).toBe('aborted')

    // So the example (the layer's useChatStop) keeps new messages back until the abort route has answered.
    const section = stopSection()
    expect(section).toMatch(/:disabled="stopping"/)
    expect(section).toMatch(/every running job of the\s+chat[^.]*a message sent\s+meanwhile/)
  })
})
