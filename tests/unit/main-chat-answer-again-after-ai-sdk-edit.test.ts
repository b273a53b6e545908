/**
 * A thread edited on the AI SDK page (First, Second, then First edited: the page shows [First
 * edited]), then the edited message regenerated in the main chat (`POST /api/jobs` with its
 * `messageId`, placed last). The place-and-drop rule (shared/current-turns.ts) placed the turns
 * by their jobs' times and dropped a turn only while an edited turn before it was newer: once the
 * main chat's answer moved the edited turn last, nothing before Second was newer, and Second came
 * back — on the AI SDK page after a reload, and in the main chat's next history — although the
 * user had removed it and the regenerated answer was made without it.
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

describe('a message edited on the AI SDK page, then answered again in the main chat', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }))
  afterEach(() => vi.useRealTimers())

  it('does not bring back the turn the edit dropped', async () => {
    const chatId = 'chat-edited-then-regenerated-in-main-chat'
    const chat = new Chat<UIMessage>({ id: chatId, transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }) })
    tick()
    await chat.sendMessage({ text: 'First' })
    tick()
    await chat.sendMessage({ text: 'Second' })
    tick()
    await chat.sendMessage({ text: 'First edited', messageId: chat.messages[0]!.id })
    expect(await loaded(chatId)).toEqual([['user', 'First edited'], ['assistant', 'Answer to First edited']])
    // The main chat's Regenerate of the edited message (ThreadView's `send` with `retrying`).
    await mainChatSends(chatId, 'First edited', chat.messages[0]!.id)
    // Before: [Second, Answer to Second, First edited, Answer to First edited].
    expect(await loaded(chatId)).toEqual([['user', 'First edited'], ['assistant', 'Answer to First edited']])
    expect(said(await mainChatHistory(chatId, 'Next'))).toEqual([...await loaded(chatId), ['user', 'Next']])
  })
})
