/**
 * An AI SDK edit of a message older than the turns the messages route reads first (it reads the
 * newest `ceil(maxMessages / 2)` jobs, more only while it has fewer turns than that). The
 * place-and-drop rule (shared/current-turns.ts) replays the jobs in order: an edit drops the turns
 * after its message only when that message's earlier job is among the jobs replayed. With it left
 * unread the edit read as a new message, appended, and the turns it dropped came back after a reload.
 */
import { DefaultChatTransport } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { describe, expect, it, vi } from 'vitest'
import type { ChatJobRequest } from '../../server/lib/providers/types'
import type { RunContext } from '../../server/lib/run-context'
import { tick, useFakedJobClock } from '../support/faked-job-clock'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

async function runner(context: RunContext, request: ChatJobRequest): Promise<void> {
  context.emit({ type: 'step-start', step: 1 })
  context.text(`Answer to ${request.messages.at(-1)?.content}`)
  context.emit({ type: 'step-end', step: 1, finishReason: 'stop' })
}

// Three turns read first: ceil(6 / 2).
const app = useServedRoutes({ config: { limits: { maxMessages: 6 } }, runners: { chat: runner }, now: () => Date.now() })
useFakedJobClock(app)

async function loaded(chatId: string): Promise<string[][]> {
  const { messages } = (await (await fetch(`${app.base}/api/jobs/chat/${chatId}/messages`)).json()) as { messages: UIMessage[] }
  return messages.map(message => [message.role, message.parts.flatMap(part => (part.type === 'text' ? [part.text] : [])).join('')])
}

describe('an AI SDK edit of a message older than the jobs the messages route reads first', () => {
  it('still drops the turns after it', async () => {
    const chatId = 'chat-edit-past-read-window'
    const chat = new Chat<UIMessage>({ id: chatId, transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }) })
    for (const text of ['First', 'Second', 'Third']) {
      tick()
      await chat.sendMessage({ text })
    }
    tick()
    await chat.sendMessage({ text: 'First edited', messageId: chat.messages[0]!.id })
    // What the client holds after the edit.
    expect(chat.messages.map(message => message.role)).toEqual(['user', 'assistant'])
    // Before: [Second, Answer to Second, Third, Answer to Third, First edited, Answer to First edited].
    expect(await loaded(chatId)).toEqual([['user', 'First edited'], ['assistant', 'Answer to First edited']])
  })
})
