/**
 * A main-chat turn answered again in the main chat (Retry: `messageId` set to the first answer's
 * job id), loaded on the AI SDK page, where its user message is `<jobId>:user`. Then the first
 * answer's job goes — past retention first, being the turn's oldest, or deleted — and the page,
 * still open, edits that message. The edit's job (`messageId: '<jobId>:user'`) was read as the
 * same turn only while job `<jobId>` was listed: without it, it became a turn of its own, and after
 * a reload the chat showed the old turn and the edited one both, where the client had replaced it
 * (the route's own `answersMessage` already took the edit for that turn's answer).
 * Real `Chat` from `@ai-sdk/vue` and the stock transport against the real routes.
 */
import { DefaultChatTransport } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { describe, expect, it, vi } from 'vitest'
import type { ChatJobRequest } from '../../server/lib/providers/types'
import type { RunContext } from '../../server/lib/run-context'
import { jobEnded } from '../support/approval-chat'
import { tick, useFakedJobClock } from '../support/faked-job-clock'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

async function runner(context: RunContext, request: ChatJobRequest): Promise<void> {
  context.emit({ type: 'step-start', step: 1 })
  context.text(`Answer to ${request.messages.at(-1)?.content}`)
  context.emit({ type: 'step-end', step: 1, finishReason: 'stop' })
}

const app = useServedRoutes({ runners: { chat: runner }, now: () => Date.now() })
useFakedJobClock(app)

const shown = (messages: UIMessage[]) => messages.map(message => [message.role, message.parts.flatMap(part => (part.type === 'text' ? [part.text] : [])).join('')])

/** A main-chat turn (`POST /api/jobs`); `messageId`: a Regenerate or Retry of that turn. */
async function mainChatTurn(chatId: string, content: string, messageId?: string): Promise<string> {
  tick()
  const response = await fetch(`${app.base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ threadId: chatId, messages: [{ role: 'user', content }], ...(messageId ? { messageId } : {}) }) })
  const job = await response.json() as { id: string }
  await jobEnded(app, job.id)
  return job.id
}

async function loaded(chatId: string): Promise<UIMessage[]> {
  return ((await (await fetch(`${app.base}/api/jobs/chat/${chatId}/messages`)).json()) as { messages: UIMessage[] }).messages
}

describe('a main-chat turn answered again, its first answer gone, edited on the AI SDK page', () => {
  it('is the same turn after a reload: the old answer is replaced, not shown beside the edit', async () => {
    const chatId = 'chat-first-answer-gone'
    const first = await mainChatTurn(chatId, 'First')
    await mainChatTurn(chatId, 'Second')
    await mainChatTurn(chatId, 'First', first)
    const chat = new Chat<UIMessage>({ id: chatId, messages: await loaded(chatId), transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }) })
    expect(chat.messages[2]!.id).toBe(`${first}:user`)

    expect((await fetch(`${app.base}/api/jobs/${first}`, { method: 'DELETE' })).status).toBe(204)
    tick()
    await chat.sendMessage({ text: 'First, edited', messageId: chat.messages[2]!.id })
    expect(chat.error?.message).toBeUndefined()
    expect(shown(chat.messages)).toEqual([['user', 'Second'], ['assistant', 'Answer to Second'], ['user', 'First, edited'], ['assistant', 'Answer to First, edited']])
    // Before: [Second, its answer, First, its answer, 'First, edited', its answer].
    expect(shown(await loaded(chatId))).toEqual(shown(chat.messages))
  })
})
