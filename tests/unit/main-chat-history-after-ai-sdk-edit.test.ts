/**
 * A thread edited on the AI SDK page, then continued in the main chat. The edit of an earlier
 * message drops the turns after it: the messages route shows [First edited]. The main chat built
 * its next request's history from every job of the thread, keeping only the newest answer per
 * message, in the jobs' order: it sent the model [Second, First edited, Next] — a turn the user had
 * dropped, before the edited one. The main chat must send the model the turns the AI SDK page
 * shows (both read them with `currentTurns`, shared/current-turns.ts). Real `Chat` from
 * `@ai-sdk/vue` and the stock transport against the real routes; the main chat's history from its
 * own helpers, fed as ThreadView feeds them.
 */
import { DefaultChatTransport } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobSummary } from '../../app/lib/api-types'
import { buildHistory, sortOldestFirst } from '../../demo/app/lib/threads'
import type { ChatJobRequest } from '../../server/lib/providers/types'
import type { RunContext } from '../../server/lib/run-context'
import { jobEnded } from '../support/approval-chat'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

async function runner(context: RunContext, request: ChatJobRequest): Promise<void> {
  context.emit({ type: 'step-start', step: 1 })
  context.text(`Answer to ${request.messages.at(-1)?.content}`)
  context.emit({ type: 'step-end', step: 1, finishReason: 'stop' })
}

const app = useServedRoutes({ runners: { chat: runner } })

/** Each job a second apart (turns are placed by their jobs' times). */
const tick = () => vi.setSystemTime(Date.now() + 1000)

const said = (messages: Array<{ role: string, content: string }>) => messages.map(({ role, content }) => [role, content])

/** The chat as the AI SDK page shows it after a reload. */
async function loaded(chatId: string): Promise<string[][]> {
  const { messages } = (await (await fetch(`${app.base}/api/jobs/chat/${chatId}/messages`)).json()) as { messages: UIMessage[] }
  return messages.map(message => [message.role, message.parts.flatMap(part => (part.type === 'text' ? [part.text] : [])).join('')])
}

/** The history the main chat sends with its next message (ThreadView's `send`). */
async function mainChatHistory(chatId: string, next: string, nextKey?: string): Promise<Array<{ role: string, content: string }>> {
  const { jobs } = await (await fetch(`${app.base}/api/jobs?threadId=${chatId}`)).json() as { jobs: JobSummary[] }
  const turns = await Promise.all(sortOldestFirst(jobs).map(async (job) => {
    const { state } = await (await fetch(`${app.base}/api/jobs/${job.id}`)).json() as { state: { content: string, status: 'completed' | 'failed' } }
    return { ...job, prompt: job.prompt ?? '', answer: state.content, status: state.status }
  }))
  return buildHistory(turns, next, nextKey)
}

/** Posts the main chat's next message as ThreadView does, and waits for its answer. */
async function mainChatSends(chatId: string, prompt: string, messageId?: string): Promise<void> {
  tick()
  const response = await fetch(`${app.base}/api/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ threadId: chatId, ...(messageId ? { messageId } : {}), messages: await mainChatHistory(chatId, prompt, messageId) }),
  })
  expect(response.status).toBe(202)
  await jobEnded(app, (await response.json() as { id: string }).id)
}

describe('the main chat after an edit on the AI SDK page', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }))
  afterEach(() => vi.useRealTimers())

  async function editedThread(chatId: string): Promise<Chat<UIMessage>> {
    const chat = new Chat<UIMessage>({ id: chatId, transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }) })
    tick()
    await chat.sendMessage({ text: 'First' })
    tick()
    await chat.sendMessage({ text: 'Second' })
    tick()
    await chat.sendMessage({ text: 'First edited', messageId: chat.messages[0]!.id })
    expect(chat.status).toBe('ready')
    expect(await loaded(chatId)).toEqual([['user', 'First edited'], ['assistant', 'Answer to First edited']])
    return chat
  }

  it('sends the model the turns the AI SDK page shows, not the turn the edit dropped', async () => {
    const chatId = 'chat-edited-then-main-chat'
    await editedThread(chatId)
    // Before: [Second, Answer to Second, First edited, Answer to First edited, Next].
    expect(said(await mainChatHistory(chatId, 'Next'))).toEqual([...await loaded(chatId), ['user', 'Next']])
    await mainChatSends(chatId, 'Next')
    expect(await loaded(chatId)).toEqual([['user', 'First edited'], ['assistant', 'Answer to First edited'], ['user', 'Next'], ['assistant', 'Answer to Next']])
    expect(said(await mainChatHistory(chatId, 'Then'))).toEqual([...await loaded(chatId), ['user', 'Then']])
  })

  it('a main-chat Regenerate of the edited message is sent without the dropped turn either', async () => {
    const chatId = 'chat-edited-then-regenerated'
    const chat = await editedThread(chatId)
    // Before: [Second, Answer to Second, First edited].
    expect(said(await mainChatHistory(chatId, 'First edited', chat.messages[0]!.id))).toEqual([['user', 'First edited']])
  })
})
