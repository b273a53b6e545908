/**
 * What an AI SDK app gets when it sends while an answer still streams — there is no `409` for it:
 * - `sendMessage()` while the answer streams (the SDK does not stop it): a new job answers, and
 *   the streaming one, which the client posts as history, is aborted with its partial text kept;
 *   its response ends with that abort, no error on either;
 * - `regenerate()` while the answer streams: the answer is replaced on the server (aborted), but the
 *   SDK leaves its response open, so the abort that ends it puts the dropped answer back in the
 *   client's list, after the new one. `await chat.stop()` first (as docs/ai-sdk.md now says) leaves
 *   the list as the server has it;
 * - the only `409` of the chat route is an approval its message's job never asked: its exact
 *   text is what `chat.error.message` shows.
 * Real `Chat` from `@ai-sdk/vue` and the stock transport against the real chat route.
 */
import { APICallError, DefaultChatTransport } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { describe, expect, it, vi } from 'vitest'
import type { RunContext } from '../../server/lib/run-context'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

/** Writes `Working` in a step, then runs until it is aborted. */
async function workUntilAborted(context: RunContext): Promise<void> {
  context.emit({ type: 'step-start', step: 1 })
  context.text('Working')
  await new Promise((_resolve, reject) => context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true }))
}

const app = useServedRoutes({ runners: { chat: workUntilAborted as never } })

function newChat(id: string, messages: UIMessage[] = []) {
  const errors: unknown[] = []
  const chat = new Chat<UIMessage>({ id, messages, transport: new DefaultChatTransport<UIMessage>({ api: `${app.base}/api/jobs/chat` }), onError: error => errors.push(error) })
  return { chat, errors }
}

/** Waits until the chat's last message is an answer with text. */
const streaming = (chat: Chat<UIMessage>) => vi.waitFor(() => expect(chat.lastMessage?.role === 'assistant' && chat.lastMessage.parts.some(part => part.type === 'text')).toBe(true))

const jobStatus = async (id: string) => (await app.engine.getJob('user-1', id)).job.status
const shown = (messages: UIMessage[]) => messages.map(message => `${message.role}:${message.parts.flatMap(part => (part.type === 'text' ? [part.text] : [])).join('')}`)

describe('sending while an answer streams', () => {
  it('a new message: no 409; the streaming answer is aborted (its text kept) and a new job answers', async () => {
    const { chat, errors } = newChat('chat-send-while-streaming')
    const first = chat.sendMessage({ text: 'one' })
    await streaming(chat)
    const firstJob = chat.lastMessage!.id
    const second = chat.sendMessage({ text: 'two' })
    // Four messages, the new answer's text in (its message shows before its first text part does).
    await vi.waitFor(() => expect(shown(chat.messages)).toEqual(['user:one', 'assistant:Working', 'user:two', 'assistant:Working']))
    await first
    expect(await jobStatus(firstJob)).toBe('aborted')
    const secondJob = chat.lastMessage!.id
    expect(await jobStatus(secondJob)).toBe('running')
    expect(shown(chat.messages)).toEqual(['user:one', 'assistant:Working', 'user:two', 'assistant:Working'])
    await fetch(`${app.base}/api/jobs/chat/chat-send-while-streaming/abort`, { method: 'POST' })
    await second
    expect(errors).toEqual([])
  })

  it('regenerate(): stop() first, or the replaced answer comes back after the new one', async () => {
    const { chat } = newChat('chat-regenerate-while-streaming')
    const first = chat.sendMessage({ text: 'one' })
    await streaming(chat)
    const replaced = chat.lastMessage!.id
    const regenerated = chat.regenerate()
    await vi.waitFor(async () => expect(await jobStatus(replaced)).toBe('aborted'))
    await first
    await vi.waitFor(() => expect(chat.messages).toHaveLength(3))
    // The SDK's first response, never closed, wrote the replaced answer back when its abort came:
    // beside the new answer — after it, or before it when that abort's chunk came first.
    expect(chat.messages[0]!.role).toBe('user')
    expect(chat.messages.slice(1).map(message => message.id)).toContain(replaced)
    expect(chat.messages.slice(1).every(message => message.role === 'assistant')).toBe(true)
    await fetch(`${app.base}/api/jobs/chat/chat-regenerate-while-streaming/abort`, { method: 'POST' })
    await regenerated

    const stopped = newChat('chat-stop-then-regenerate')
    const answer = stopped.chat.sendMessage({ text: 'one' })
    await streaming(stopped.chat)
    const old = stopped.chat.lastMessage!.id
    await stopped.chat.stop()
    await answer
    const again = stopped.chat.regenerate()
    await streaming(stopped.chat)
    expect(await jobStatus(old)).toBe('aborted')
    expect(stopped.chat.messages).toHaveLength(2)
    expect(stopped.chat.lastMessage!.id).not.toBe(old)
    await fetch(`${app.base}/api/jobs/chat/chat-stop-then-regenerate/abort`, { method: 'POST' })
    await again
    expect(stopped.chat.messages.map(message => message.id)).not.toContain(old)
  })

  it('the route\'s one 409, an approval never asked, is plain text in chat.error.message', async () => {
    const { chat } = newChat('chat-approval-never-asked', [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Please delete a.txt' }] },
      { id: 'a1', role: 'assistant', parts: [{ type: 'step-start' }, { type: 'tool-delete_file', toolCallId: 'call_1', state: 'approval-responded', input: { path: 'a.txt' }, approval: { id: 'never-asked', approved: true } }] },
    ])
    await chat.sendMessage()
    expect(chat.status).toBe('error')
    expect(APICallError.isInstance(chat.error)).toBe(true)
    expect((chat.error as APICallError).statusCode).toBe(409)
    expect(chat.error!.message).toBe('Input request never-asked is not pending in chat chat-approval-never-asked (answered already, expired, or the job ended)')
  })
})
