/**
 * One thread used from both demo pages against the real routes: the AI SDK page (the real `Chat`
 * from `@ai-sdk/vue` with the stock transport, and its messages after a reload) and the main chat
 * (its history built by its own helpers, fed as ThreadView feeds them, and its `POST /api/jobs`).
 * The test file serves the routes (`useServedRoutes({ runners: { chat: echoAnswer }, now: () => Date.now() })`,
 * with `vi.mock('nitropack/runtime', …)`) and fakes `Date` with `useFakedJobClock` (turns are placed
 * by their jobs' times).
 */
import { DefaultChatTransport } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { expect } from 'vitest'
import type { JobSummary } from '../../app/lib/api-types'
import { buildHistory, sortOldestFirst } from '../../demo/app/lib/threads'
import type { ChatJobRequest } from '../../server/lib/providers/types'
import type { RunContext } from '../../server/lib/run-context'
import { jobEnded } from './approval-chat'
import { tick } from './faked-job-clock'
import type { RouteApp } from './route-app'

/** A chat runner that answers `Answer to <last message>`. */
export async function echoAnswer(context: RunContext, request: ChatJobRequest): Promise<void> {
  context.emit({ type: 'step-start', step: 1 })
  context.text(`Answer to ${request.messages.at(-1)?.content}`)
  context.emit({ type: 'step-end', step: 1, finishReason: 'stop' })
}

/** Messages as `[role, content]` pairs. */
export const said = (messages: Array<{ role: string, content: string }>) => messages.map(({ role, content }) => [role, content])

/** The two pages' views of a thread on `app`. */
export function crossPageChat(app: RouteApp) {
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

  /** First and Second sent on the AI SDK page, then First edited there: the page shows [First edited]. */
  async function editedOnAiSdkPage(chatId: string): Promise<Chat<UIMessage>> {
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

  return { loaded, mainChatHistory, mainChatSends, editedOnAiSdkPage }
}
