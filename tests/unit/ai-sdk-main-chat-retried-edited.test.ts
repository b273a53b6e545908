/**
 * A main-chat turn that the main chat answered again (Regenerate or Retry: `messageId` set to the
 * first answer's job id, shown last, the turns between kept), with a turn after it, then edited on
 * the AI SDK page. The messages route named the retried turn's user message by that bare job id,
 * which is also the main chat's key, so the edit posted it and its job read as one more main-chat
 * retry: after a reload the edited turn came last and the turn the edit dropped was back (the client
 * had dropped it), and that turn's answer, still waiting, was not ended. The route now names such a
 * message `<jobId>:user`, as the first answer's, so an edit of it is the same turn, in place.
 * Real `Chat` from `@ai-sdk/vue` and the stock transport against the real routes.
 */
import { DefaultChatTransport } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { describe, expect, it, vi } from 'vitest'
import type { ChatJobRequest } from '../../server/lib/providers/types'
import type { RunContext } from '../../server/lib/run-context'
import { jobEnded } from '../support/approval-chat'
import { askToDelete } from '../support/delete-approvals'
import { tick, useFakedJobClock } from '../support/faked-job-clock'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

async function runner(context: RunContext, request: ChatJobRequest): Promise<void> {
  if (request.messages.at(-1)?.content?.includes('delete')) return await askToDelete(context, ['a.txt'], 'Deleting. ')
  context.emit({ type: 'step-start', step: 1 })
  context.text(`Answer to ${request.messages.at(-1)?.content}`)
  context.emit({ type: 'step-end', step: 1, finishReason: 'stop' })
}

const app = useServedRoutes({ runners: { chat: runner }, now: () => Date.now() })
useFakedJobClock(app)

const shown = (messages: UIMessage[]) => messages.map(message => [message.role, message.id, message.parts.flatMap(part => (part.type === 'text' ? [part.text] : [])).join('')])

/** A main-chat turn (`POST /api/jobs`); `messageId`: a Regenerate or Retry of that turn. */
async function mainChatTurn(chatId: string, content: string, { messageId, ended = true }: { messageId?: string, ended?: boolean } = {}): Promise<string> {
  tick()
  const response = await fetch(`${app.base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'chat', threadId: chatId, messages: [{ role: 'user', content }], ...(messageId ? { messageId } : {}) }) })
  const job = await response.json() as { id: string }
  if (ended) await jobEnded(app, job.id)
  return job.id
}

async function loaded(chatId: string): Promise<UIMessage[]> {
  return ((await (await fetch(`${app.base}/api/jobs/chat/${chatId}/messages`)).json()) as { messages: UIMessage[] }).messages
}

describe('a turn the main chat answered again, edited on the AI SDK page', () => {
  it('stays in its place after a reload, and the turn the edit dropped is gone', async () => {
    const chatId = 'chat-main-retried-edited'
    const first = await mainChatTurn(chatId, 'First')
    await mainChatTurn(chatId, 'Second')
    await mainChatTurn(chatId, 'First', { messageId: first })
    const third = await mainChatTurn(chatId, 'Please delete a.txt', { ended: false })
    await vi.waitFor(async () => expect((await app.engine.getJob('user-1', third)).job.status).toBe('waiting'))
    const chat = new Chat<UIMessage>({ id: chatId, messages: await loaded(chatId), transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }) })
    expect(shown(chat.messages).map(([role, , text]) => [role, text])).toEqual([
      ['user', 'Second'], ['assistant', 'Answer to Second'],
      ['user', 'First'], ['assistant', 'Answer to First'],
      ['user', 'Please delete a.txt'], ['assistant', 'Deleting. '],
    ])

    tick()
    await chat.sendMessage({ text: 'First, edited', messageId: chat.messages[2]!.id })
    expect(chat.error?.message).toBeUndefined()
    expect(chat.messages).toHaveLength(4)
    // Before: [Second, its answer, 'Please delete a.txt', its answer, 'First, edited', its answer].
    expect(shown(await loaded(chatId))).toEqual(shown(chat.messages))
    // The dropped turn's answer is ended, as for any edit of an earlier message.
    await jobEnded(app, third)
  })
})
