/**
 * A turn started on the AI SDK page that failed, with a turn after it, then retried in the main
 * chat. The main chat keys that turn by the AI SDK's message id (`messageKeyOf`: the job's
 * `messageId`), so its Retry posts `POST /api/jobs` with that id, and shows the new answer last,
 * the turn between kept (it stays the history). The messages route could not tell this from an
 * AI SDK edit of the message (the same id) and left the later turn out: after a reload the AI SDK
 * page showed one turn where the main chat goes on with two. Real `Chat` from `@ai-sdk/vue` and
 * the stock transport against the real routes; the main chat's history from its own helpers.
 */
import { DefaultChatTransport } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { JobSummary } from '../../app/lib/api-types'
import { buildHistory, messageKeyOf, sortOldestFirst } from '../../demo/app/lib/threads'
import type { ChatJobRequest } from '../../server/lib/providers/types'
import type { RunContext } from '../../server/lib/run-context'
import { jobEnded } from '../support/approval-chat'
import { tick, useFakedJobClock } from '../support/faked-job-clock'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

let upstreamDown = false

async function runner(context: RunContext, request: ChatJobRequest): Promise<void> {
  if (upstreamDown) throw new Error('upstream down')
  context.emit({ type: 'step-start', step: 1 })
  context.text(`Answer to ${request.messages.at(-1)?.content}`)
  context.emit({ type: 'step-end', step: 1, finishReason: 'stop' })
}

const app = useServedRoutes({ runners: { chat: runner }, now: () => Date.now() })
useFakedJobClock(app)

const said = (messages: Array<{ role: string, content: string }>) => messages.map(({ role, content }) => [role, content])

async function loaded(chatId: string): Promise<UIMessage[]> {
  return ((await (await fetch(`${app.base}/api/jobs/chat/${chatId}/messages`)).json()) as { messages: UIMessage[] }).messages
}

/** The chat's messages as the main chat goes on with them: its history for a next message (buildHistory). */
async function mainChatHistory(chatId: string, next: string, nextKey?: string): Promise<Array<{ role: string, content: string }>> {
  const { jobs } = await (await fetch(`${app.base}/api/jobs?threadId=${chatId}`)).json() as { jobs: JobSummary[] }
  const turns = await Promise.all(sortOldestFirst(jobs).map(async (job) => {
    const { state } = await (await fetch(`${app.base}/api/jobs/${job.id}`)).json() as { state: { content: string, status: 'completed' | 'failed' } }
    return { ...job, prompt: job.prompt ?? '', answer: state.content, status: state.status }
  }))
  return buildHistory(turns, next, nextKey)
}

describe('an AI SDK turn retried in the main chat, mid-thread', () => {
  afterEach(() => {
    upstreamDown = false
  })

  it('shows on the AI SDK page after a reload as in the main chat: last, the turn between kept', async () => {
    const chatId = 'chat-ai-sdk-retried-in-main-chat'
    const chat = new Chat<UIMessage>({ id: chatId, transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }) })
    upstreamDown = true
    tick()
    await chat.sendMessage({ text: 'First' })
    expect(chat.status).toBe('error')
    const first = chat.messages[0]!
    upstreamDown = false
    tick()
    await chat.sendMessage({ text: 'Second' })
    expect(chat.status).toBe('ready')

    // The main chat's Retry of the failed first turn (ThreadView's `send` with `retrying`).
    const { jobs } = await (await fetch(`${app.base}/api/jobs?threadId=${chatId}&status=failed`)).json() as { jobs: JobSummary[] }
    const key = messageKeyOf(jobs[0]!)
    expect(key).toBe(first.id)
    tick()
    const response = await fetch(`${app.base}/api/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ threadId: chatId, messageId: key, messages: await mainChatHistory(chatId, 'First', key) }),
    })
    expect(response.status).toBe(202)
    const retried = (await response.json() as { id: string }).id
    await jobEnded(app, retried)

    const messages = await loaded(chatId)
    // Before: only [First, Answer to First] — the Retry read as an edit that drops the turns after it.
    expect(messages.map(message => [message.role, message.parts.flatMap(part => (part.type === 'text' ? [part.text] : [])).join('')]))
      .toEqual(said(await mainChatHistory(chatId, 'Next')).slice(0, -1))
    expect(messages.map(message => message.id)).toEqual([chat.messages[2]!.id, chat.messages[3]!.id, first.id, retried])
  })
})
