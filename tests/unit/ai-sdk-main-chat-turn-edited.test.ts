/**
 * A main-chat turn (started by `POST /api/jobs` with no `messageId`) that an AI SDK client answers
 * again: the messages route names its user message `<jobId>:user`, and the SDK's `regenerate()` or
 * edit posts that id. The route keyed the new job's turn apart from the old one: the messages
 * route then showed the old turn and the new one, both under the user message id `<jobId>:user`
 * (an edit also kept the turns it dropped), and an old answer still waiting for an approval was
 * not ended as a replaced answer is. Now `<jobId>:user` names the turn of job `<jobId>`.
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

async function mainChatTurn(chatId: string, content: string, ended = true): Promise<string> {
  tick()
  const response = await fetch(`${app.base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'chat', threadId: chatId, messages: [{ role: 'user', content }] }) })
  const job = await response.json() as { id: string }
  if (ended) await jobEnded(app, job.id)
  return job.id
}

async function loaded(chatId: string): Promise<UIMessage[]> {
  return ((await (await fetch(`${app.base}/api/jobs/chat/${chatId}/messages`)).json()) as { messages: UIMessage[] }).messages
}

describe('a main-chat turn answered again on the AI SDK page', () => {
  it('regenerate(): the messages route shows the turn once, with the new answer', async () => {
    const chatId = 'chat-main-regenerate-sdk'
    await mainChatTurn(chatId, 'First')
    const chat = new Chat<UIMessage>({ id: chatId, messages: await loaded(chatId), transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }) })
    tick()
    await chat.regenerate()
    expect(chat.error?.message).toBeUndefined()
    // Before: the old turn too, [user '<jobId>:user' 'First', assistant <jobId> …], then the new one.
    expect(shown(await loaded(chatId))).toEqual(shown(chat.messages))
  })

  it('regenerate() of one waiting for an approval ends the old answer, as a replaced one', async () => {
    const chatId = 'chat-main-regenerate-waiting-sdk'
    const old = await mainChatTurn(chatId, 'Please delete a.txt', false)
    await vi.waitFor(async () => expect((await app.engine.getJob('user-1', old)).job.status).toBe('waiting'))
    const chat = new Chat<UIMessage>({ id: chatId, messages: await loaded(chatId), transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }) })
    tick()
    await chat.regenerate()
    await jobEnded(app, old)
    // Before: still 'waiting' (until its approval expired), holding a concurrency slot.
    const { state } = await app.engine.getJob('user-1', old)
    expect(state.answeredInputs.map(input => (input.answer as { reason?: string }).reason)).toEqual([expect.stringMatching(/^Not approved: a new answer to this message was requested/)])
    expect(shown(await loaded(chatId))).toEqual(shown(chat.messages))
  })

  it('an edit: the messages route shows the edited turn once', async () => {
    const chatId = 'chat-main-edit-sdk'
    await mainChatTurn(chatId, 'First')
    const chat = new Chat<UIMessage>({ id: chatId, messages: await loaded(chatId), transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }) })
    tick()
    await chat.sendMessage({ text: 'Second' })
    tick()
    await chat.sendMessage({ text: 'First, edited', messageId: chat.messages[0]!.id })
    expect(chat.error?.message).toBeUndefined()
    // Before: [the old first turn, the dropped 'Second' turn, the edited one under the same user id].
    expect(shown(await loaded(chatId))).toEqual(shown(chat.messages))
  })
})
