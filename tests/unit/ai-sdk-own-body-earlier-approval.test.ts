/**
 * A whole-body transport whose app builds the body itself (`prepareSendMessagesRequest`), as
 * docs/ai-sdk.md suggested for a long chat ("earlier messages without their tool parts … keep the
 * last message whole, it carries approval answers") while saying the SDK's `trigger` and
 * `messageId` "are not needed". Through an approval answered on an earlier answer (the chat asked
 * to delete a file, answer A; the user wrote on, answer B, and the server ended A "not approved";
 * the user approved A's call anyway, which a stock UI still offers, and sent), the SDK writes the
 * response into A, the message its `messageId` names:
 * - without `messageId` the route answered B's settled stream, which the SDK wrote into A renamed
 *   B: B's answer gone, two messages with B's id until a reload;
 * - with A's tool parts stripped (it is not the last message) the route saw no approval on A and
 *   settled it: A's call stayed "approved" in the client, where the job had it not approved.
 * The docs now say to forward both fields and to keep the message `messageId` names whole, with an
 * example, run here as written.
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

type ToolPart = { type: string, state: string, approval?: { approved?: boolean } }
const shown = (messages: UIMessage[]) => messages.map(message => [
  message.id,
  message.parts.flatMap(part => (part.type === 'text' ? [part.text] : part.type === 'tool-delete_file' ? [`${(part as ToolPart).state}:${(part as ToolPart).approval?.approved}`] : [])).join('|'),
])

/** Without tool parts: what the docs' advice makes of an earlier message. */
const withoutTools = (message: UIMessage): UIMessage => ({ ...message, parts: message.parts.filter(part => !part.type.startsWith('tool-') && part.type !== 'dynamic-tool') })

/** The `prepareSendMessagesRequest` of the docs' example of a whole body built by the app (one line). */
function documentedPrepare(): PrepareSendMessagesRequest<UIMessage> {
  const docs = readFileSync(new URL('../../docs/ai-sdk.md', import.meta.url), 'utf8')
  const start = docs.indexOf('\nExtra fields in the transport\'s body')
  const section = docs.slice(docs.lastIndexOf('\n## ', start), start)
  const line = /^\s*prepareSendMessagesRequest: (.+),$/m.exec(section)?.[1]
  expect(line, 'docs/ai-sdk.md shows a prepareSendMessagesRequest that builds the whole body').toBeDefined()
  return new Function(`return ${line}`)() as PrepareSendMessagesRequest<UIMessage>
}

/** The flow above with `prepare`; returns the client's messages and the messages route's. */
async function approveEarlierAnswer(chatId: string, prepare: PrepareSendMessagesRequest<UIMessage>) {
  const chat = new Chat<UIMessage>({ id: chatId, transport: new DefaultChatTransport<UIMessage>({ api: `${app.base}/api/jobs/chat`, prepareSendMessagesRequest: prepare }) })
  await chat.sendMessage({ text: 'Please delete a.txt' })
  const [approval] = (chat.lastMessage!.parts.filter(part => part.type === 'tool-delete_file') as Array<{ approval: { id: string } }>).map(part => part.approval.id)
  await chat.sendMessage({ text: 'Never mind, hello' })
  await chat.addToolApprovalResponse({ id: approval!, approved: true })
  await chat.sendMessage()
  expect(chat.error?.message).toBeUndefined()
  const { messages } = await (await fetch(`${app.base}/api/jobs/chat/${chatId}/messages`)).json() as { messages: UIMessage[] }
  return { client: shown(chat.messages), server: shown(messages) }
}

describe('a body the app builds, an approval answered on an earlier message', () => {
  it('without `messageId`, or with the named message\'s tool parts dropped, the client and the server disagree', async () => {
    const noMessageId = await approveEarlierAnswer('chat-own-body-no-message-id', ({ id, messages }) => ({ body: { id, messages } }))
    expect(noMessageId.client).not.toEqual(noMessageId.server)
    const lastWhole = await approveEarlierAnswer('chat-own-body-last-whole', ({ id, messages, trigger, messageId }) => ({
      body: { id, trigger, messageId, messages: messages.map((message, index) => (index === messages.length - 1 ? message : withoutTools(message))) },
    }))
    expect(lastWhole.client).not.toEqual(lastWhole.server)
  })

  it('the docs\' example: the response is that message\'s, the later answer stays as it was', async () => {
    const { client, server } = await approveEarlierAnswer('chat-own-body-documented', documentedPrepare())
    expect(server[1]![1]).toBe('Deleting. |output-denied:false')
    expect(server[3]![1]).toBe('Plain answer.')
    expect(client).toEqual(server)
  })
})
