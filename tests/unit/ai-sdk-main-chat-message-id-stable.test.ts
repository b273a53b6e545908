/**
 * The AI SDK messages route names the user message of a main-chat turn (a job started without a
 * `messageId`) `<jobId>:user`, also once the main chat has answered it again (Retry, Regenerate: a
 * job with `messageId` set to that job's id). Once the turn's first answer was gone — past
 * retention first, being the turn's oldest, or deleted — the same message came back as the bare
 * job id: the id changed under a page that held it (`useChat` keys its messages on their ids).
 * It is now `<jobId>:user` for as long as the turn is there, also after a further answer again.
 */
import type { UIMessage } from 'ai'
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

/** A main-chat turn (`POST /api/jobs`); `messageId`: a Regenerate or Retry of that turn. */
async function mainChatTurn(chatId: string, content: string, messageId?: string): Promise<string> {
  tick()
  const response = await fetch(`${app.base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ threadId: chatId, messages: [{ role: 'user', content }], ...(messageId ? { messageId } : {}) }) })
  const job = await response.json() as { id: string }
  await jobEnded(app, job.id)
  return job.id
}

async function userIds(chatId: string): Promise<string[]> {
  const { messages } = (await (await fetch(`${app.base}/api/jobs/chat/${chatId}/messages`)).json()) as { messages: UIMessage[] }
  return messages.filter(message => message.role === 'user').map(message => message.id)
}

const remove = async (id: string) => expect((await fetch(`${app.base}/api/jobs/${id}`, { method: 'DELETE' })).status).toBe(204)

describe('a main-chat turn answered again, on the AI SDK messages route', () => {
  it('keeps its user message id once its first answer is gone', async () => {
    const chatId = 'chat-stable-ids'
    const first = await mainChatTurn(chatId, 'First')
    const second = await mainChatTurn(chatId, 'Second')
    await mainChatTurn(chatId, 'First', first)
    expect(await userIds(chatId)).toEqual([`${second}:user`, `${first}:user`])

    await remove(first)
    // Before: [`${second}:user`, first].
    expect(await userIds(chatId)).toEqual([`${second}:user`, `${first}:user`])
  })

  it('keeps it after another answer again, once every earlier answer is gone', async () => {
    const chatId = 'chat-stable-ids-again'
    const first = await mainChatTurn(chatId, 'First')
    const retry = await mainChatTurn(chatId, 'First', first)
    await remove(first)
    // The main chat answers again by the key it has for the turn: the first job's id.
    await mainChatTurn(chatId, 'First', first)
    await remove(retry)
    expect(await userIds(chatId)).toEqual([`${first}:user`])
  })

  it('names a main-chat answer again of a message the AI SDK route sent by that message\'s id', async () => {
    const chatId = 'chat-sdk-turn'
    tick()
    const posted = await fetch(`${app.base}/api/jobs/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: chatId, messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'Hi' }] }] }) })
    await posted.text()
    const [sdkJob] = (await (await fetch(`${app.base}/api/jobs?threadId=${chatId}`)).json() as { jobs: Array<{ id: string }> }).jobs
    await jobEnded(app, sdkJob!.id)
    await mainChatTurn(chatId, 'Hi', 'm1')
    await remove(sdkJob!.id)
    expect(await userIds(chatId)).toEqual(['m1'])
  })
})
