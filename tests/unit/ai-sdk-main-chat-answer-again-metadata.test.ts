/**
 * A user message sent on the AI SDK page with metadata (`sendMessage({ text, metadata })`, as the AI
 * SDK docs put `createdAt` on it), then answered again in the main chat (its Regenerate or Retry:
 * `POST /api/jobs` with the message's id, a route that takes no metadata). The messages route took
 * the message's metadata from the turn's newest job, the main chat's, which has none: after a
 * reload the message had lost what the client had sent on it, which the main chat never changed.
 * Real `Chat` from `@ai-sdk/vue` and the stock transport against the real routes.
 */
import { DefaultChatTransport } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { describe, expect, it, vi } from 'vitest'
import type { JobSummary } from '../../app/lib/api-types'
import { messageKeyOf } from '../../demo/app/lib/threads'
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

async function loaded(chatId: string): Promise<UIMessage[]> {
  return ((await (await fetch(`${app.base}/api/jobs/chat/${chatId}/messages`)).json()) as { messages: UIMessage[] }).messages
}

/** The main chat's Regenerate of the thread's newest answer (ThreadView's `send` with `retrying`). */
async function regenerateInMainChat(chatId: string): Promise<string> {
  const { jobs } = await (await fetch(`${app.base}/api/jobs?threadId=${chatId}`)).json() as { jobs: JobSummary[] }
  tick()
  const response = await fetch(`${app.base}/api/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ threadId: chatId, messageId: messageKeyOf(jobs[0]!), messages: [{ role: 'user', content: jobs[0]!.prompt }] }),
  })
  const { id } = await response.json() as { id: string }
  await jobEnded(app, id)
  return id
}

describe('an AI SDK message with metadata, answered again in the main chat', () => {
  it('keeps the metadata the client sent on it after a reload', async () => {
    const chatId = 'chat-metadata-answered-again'
    const chat = new Chat<UIMessage>({ id: chatId, transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }) })
    tick()
    await chat.sendMessage({ text: 'First', metadata: { createdAt: 1_700_000_000_000 } })
    expect(chat.status).toBe('ready')
    const again = await regenerateInMainChat(chatId)

    const messages = await loaded(chatId)
    expect(messages.map(message => [message.role, message.id])).toEqual([['user', chat.messages[0]!.id], ['assistant', again]])
    // Before: undefined (the main chat's job has no metadata, and the route took the newest job's).
    expect(messages[0]!.metadata).toEqual({ createdAt: 1_700_000_000_000 })
  })

  it('takes the metadata of an edit on the AI SDK page after it, as sent there', async () => {
    const chatId = 'chat-metadata-edited-after'
    const chat = new Chat<UIMessage>({ id: chatId, transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }) })
    tick()
    await chat.sendMessage({ text: 'First', metadata: { createdAt: 1 } })
    await regenerateInMainChat(chatId)
    chat.messages = await loaded(chatId)
    tick()
    await chat.sendMessage({ text: 'First, edited', messageId: chat.messages[0]!.id, metadata: { createdAt: 2 } })
    expect((await loaded(chatId))[0]!.metadata).toEqual({ createdAt: 2 })
    tick()
    await chat.sendMessage({ text: 'First, edited again', messageId: chat.messages[0]!.id })
    expect((await loaded(chatId))[0]!.metadata).toBeUndefined()
  })
})
