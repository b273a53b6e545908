/**
 * A post whose last message is a system message (`sendMessage({ role: 'system', parts })` — the
 * SDK takes any role). System messages are dropped before the model (docs/ai-sdk.md), so the
 * route answered the user message before it again: a new job under that message's id, which
 * replaced the answer the client still showed (the messages route then had the new one in its
 * place, and the system message nowhere). Such a post is a 400 naming it, and nothing is ended.
 */
import { describe, expect, it, vi } from 'vitest'
import type { RunContext } from '../../server/lib/run-context'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

async function runner(context: RunContext): Promise<void> {
  context.emit({ type: 'step-start', step: 1 })
  context.text('An answer.')
  context.emit({ type: 'step-end', step: 1, finishReason: 'stop' })
}

const app = useServedRoutes({ runners: { chat: runner } })

async function post(body: unknown): Promise<{ status: number, text: string }> {
  const response = await fetch(`${app.base}/api/jobs/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: response.status, text: await response.text() }
}

const question = { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Hi' }] }
const system = { id: 's1', role: 'system', parts: [{ type: 'text', text: 'Be brief.' }] }

describe('a post whose last message is a system message', () => {
  it('is a 400 naming it; the answer before it stays the chat\'s answer', async () => {
    const chatId = 'chat-system-last'
    const first = await post({ id: chatId, messages: [question] })
    expect(first.status).toBe(200)
    const answerId = /"type":"start","messageId":"([^"]+)"/.exec(first.text)![1]!
    const answer = { id: answerId, role: 'assistant', parts: [{ type: 'step-start' }, { type: 'text', text: 'An answer.' }] }

    const second = await post({ id: chatId, messages: [question, answer, system] })
    // Before: 200, a new job answering u1 again.
    expect(second.status).toBe(400)
    expect(second.text).toMatch(/^messages\.2\.role: /)
    const single = await post({ id: chatId, message: system })
    expect([single.status, single.text]).toEqual([400, expect.stringMatching(/^message\.role: /)])

    const { jobs } = await (await fetch(`${app.base}/api/jobs?threadId=${chatId}`)).json() as { jobs: Array<{ id: string }> }
    expect(jobs.map(job => job.id)).toEqual([answerId])
    const { messages } = await (await fetch(`${app.base}/api/jobs/chat/${chatId}/messages`)).json() as { messages: Array<{ id: string }> }
    expect(messages.map(message => message.id)).toEqual(['u1', answerId])
  })
})
