/**
 * docs/ai-sdk.md's "Sending only the last message" transport, run as the docs write it, through an
 * approval answered on an earlier message: the chat asked to delete a file (answer A), the user
 * wrote on (answer B; the server ended A, its approval "not approved"), then approved A's call,
 * which a stock UI still offers, and sent (`sendMessage()` with no message). The SDK writes the
 * response into A (its `messageId`), but the docs' example posted `messages.at(-1)`, B: the route
 * answered B's settled stream, which the SDK wrote into its copy of A renamed B — B's answer gone,
 * two messages with B's id (what ai-sdk-earlier-approval.test.ts fixed for the whole-body client).
 * The example now posts the message the SDK names.
 * Real `Chat` from `@ai-sdk/vue` and the stock transport against the real chat route.
 */
import { readFileSync } from 'node:fs'
import { DefaultChatTransport } from 'ai'
import type { PrepareSendMessagesRequest, UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { describe, expect, it, vi } from 'vitest'
import { deleteOrPlainAnswer } from '../support/delete-approvals'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes({ runners: { chat: deleteOrPlainAnswer } })

/** The `prepareSendMessagesRequest` of the docs' "Sending only the last message" example (one line, plain JavaScript). */
function documentedPrepare(): PrepareSendMessagesRequest<UIMessage> {
  const docs = readFileSync(new URL('../../docs/ai-sdk.md', import.meta.url), 'utf8')
  const section = docs.slice(docs.indexOf('## Sending only the last message'))
  const line = /^\s*prepareSendMessagesRequest: (.+),$/m.exec(section)![1]!
  return new Function(`return ${line}`)() as PrepareSendMessagesRequest<UIMessage>
}

type ToolPart = { type: string, state: string, approval?: { approved?: boolean } }
const shown = (messages: UIMessage[]) => messages.map(message => [
  message.id,
  message.parts.flatMap(part => (part.type === 'text' ? [part.text] : part.type === 'tool-delete_file' ? [`${(part as ToolPart).state}:${(part as ToolPart).approval?.approved}`] : [])).join('|'),
])

describe('the docs\' newest-message-only transport, an approval answered on an earlier message', () => {
  it('the response is that message\'s: the later answer stays as it was', async () => {
    const chatId = 'chat-last-message-earlier-approval'
    const transport = new DefaultChatTransport<UIMessage>({ api: `${app.base}/api/jobs/chat`, prepareSendMessagesRequest: documentedPrepare() })
    const chat = new Chat<UIMessage>({ id: chatId, transport })
    await chat.sendMessage({ text: 'Please delete a.txt' })
    const [approval] = (chat.lastMessage!.parts.filter(part => part.type === 'tool-delete_file') as Array<{ approval: { id: string } }>).map(part => part.approval.id)
    await chat.sendMessage({ text: 'Never mind, hello' })
    const [, first, , second] = chat.messages.map(message => message.id)
    await chat.addToolApprovalResponse({ id: approval!, approved: true })
    await chat.sendMessage()
    expect(chat.error?.message).toBeUndefined()

    const { messages } = await (await fetch(`${app.base}/api/jobs/chat/${chatId}/messages`)).json() as { messages: UIMessage[] }
    expect(shown(messages).slice(1)).toEqual([[first, 'Deleting. |output-denied:false'], shown(messages)[2], [second, 'Plain answer.']])
    // Before: [[second, 'Deleting. |approval-responded:true'], …, [second, 'Deleting. |approval-responded:true']] — B lost, two messages with its id.
    expect(shown(chat.messages)).toEqual(shown(messages))
  })

  it('new messages, an edit and a regeneration still post the newest message', async () => {
    const prepare = documentedPrepare()
    const messages: UIMessage[] = [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Hi' }] },
      { id: 'a1', role: 'assistant', parts: [{ type: 'text', text: 'Hello' }] },
      { id: 'u2', role: 'user', parts: [{ type: 'text', text: 'More' }] },
    ]
    const base = { id: 'c', requestMetadata: undefined, body: undefined, credentials: undefined, headers: undefined, api: '' }
    const bodyOf = async (messageId: string | undefined, trigger: 'submit-message' | 'regenerate-message') => (await prepare({ ...base, messages, messageId, trigger })).body
    // sendMessage({ text }), regenerate() (the SDK dropped the answer), an edit of u2 (the SDK cut the list at it).
    expect(await bodyOf(undefined, 'submit-message')).toEqual({ id: 'c', message: messages[2] })
    expect(await bodyOf(undefined, 'regenerate-message')).toEqual({ id: 'c', message: messages[2] })
    expect(await bodyOf('u2', 'submit-message')).toEqual({ id: 'c', message: messages[2] })
    // regenerate({ messageId: 'a2' }): the SDK dropped a2 already.
    expect(await bodyOf('a2', 'regenerate-message')).toEqual({ id: 'c', message: messages[2] })
  })
})
