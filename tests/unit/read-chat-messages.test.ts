/**
 * `readChatMessages(userId, chatId)` (server/utils, decision 40): an AI SDK chat's stored messages
 * for server code without the user's request. There was no supported way: the messages route needs
 * the user's request (their cookie or session), and the engine's calls give jobs, not the SDK's
 * messages. It answers what the messages route answers that user — the same messages, with the
 * metadata hook's metadata unless `metadata: false` — `[]` for another user's chat, and a 400 for
 * ids no user or chat can have. On the memory provider, the chat written by the real `Chat` from
 * `@ai-sdk/vue` through the real chat route (tests/providers/redis-read-chat-messages.test.ts: Redis).
 */
import { DefaultChatTransport } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { describe, expect, it, vi } from 'vitest'
import { InvalidRequestError } from '../../server/lib/errors'
import { readChatMessages } from '../../server/utils/background-jobs'
import { deleteOrPlainAnswer } from '../support/delete-approvals'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes({
  runners: { chat: deleteOrPlainAnswer },
  hooks: {
    chatMessageMetadata: (context) => {
      if (context.part === 'start') context.metadata = { createdAt: context.job.createdAt }
    },
  },
})

describe('readChatMessages', () => {
  it('gives the user what the messages route gives them; another user\'s chat has none', async () => {
    const chat = new Chat<UIMessage>({ id: 'chat-read-on-server', transport: new DefaultChatTransport<UIMessage>({ api: `${app.base}/api/jobs/chat` }) })
    await chat.sendMessage({ text: 'hello', metadata: { sentAt: 1 } })
    await chat.sendMessage({ text: 'Please delete a.txt' })
    const { messages } = await (await fetch(`${app.base}/api/jobs/chat/chat-read-on-server/messages`)).json() as { messages: UIMessage[] }
    expect(messages).toHaveLength(4)

    const read = await readChatMessages('user-1', 'chat-read-on-server')
    expect(read).toEqual(messages)
    expect(read.map(message => message.id)).toEqual(chat.messages.map(message => message.id))
    expect(read[0]).toMatchObject({ role: 'user', metadata: { sentAt: 1 } })
    expect(read[1]!.metadata).toEqual({ createdAt: expect.any(Number) })
    expect(read[3]!.parts.find(part => part.type === 'tool-delete_file')).toMatchObject({ state: 'approval-requested' })
    expect((await readChatMessages('user-1', 'chat-read-on-server', { metadata: false }))[1]!.metadata).toBeUndefined()

    expect(await readChatMessages('user-2', 'chat-read-on-server')).toEqual([])
    expect(await readChatMessages('user-1', 'no-such-chat')).toEqual([])
    await fetch(`${app.base}/api/jobs/chat/chat-read-on-server/abort`, { method: 'POST' })
  })

  it('a user or chat id no chat can have is an InvalidRequestError (400) naming it', async () => {
    await expect(readChatMessages('', 'chat')).rejects.toThrow(InvalidRequestError)
    await expect(readChatMessages(42 as unknown as string, 'chat')).rejects.toThrow(/^userId: must be a string/)
    await expect(readChatMessages('user-1', '')).rejects.toThrow(/^chatId: must be a non-empty string/)
    await expect(readChatMessages('user-1', 'x'.repeat(201))).rejects.toThrow('chatId: must be at most 200 characters (got 201)')
  })
})
