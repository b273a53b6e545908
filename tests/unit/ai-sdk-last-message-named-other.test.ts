/**
 * A newest-message-only transport that forwards the SDK's `trigger` and `messageId` but posts
 * `messages.at(-1)` (as this repository's own e2e client did), through an approval answered on an
 * earlier message: the chat asked to delete a file (answer A), the user wrote on (answer B), then
 * approved A's call and sent. The body named A (`messageId`) and held B; the route answered B's
 * settled stream, which the SDK wrote into its copy of A renamed B — B's answer gone, two messages
 * with B's id. Such a body is now a 400 saying which message to send, and B stays as it was.
 * Real `Chat` from `@ai-sdk/vue` and the stock transport against the real chat route.
 */
import { DefaultChatTransport } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { describe, expect, it, vi } from 'vitest'
import { deleteOrPlainAnswer } from '../support/delete-approvals'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes({ runners: { chat: deleteOrPlainAnswer } })

type ToolPart = { type: string, state: string }
const shown = (messages: UIMessage[]) => messages.map(message => [
  message.id,
  message.parts.flatMap(part => (part.type === 'text' ? [part.text] : part.type === 'tool-delete_file' ? [(part as ToolPart).state] : [])).join('|'),
])

describe('a newest-message-only body naming another message than it holds', () => {
  it('is a 400 saying which message to send; the later answer stays as it was', async () => {
    const chatId = 'chat-last-message-named-other'
    const transport = new DefaultChatTransport<UIMessage>({
      api: `${app.base}/api/jobs/chat`,
      prepareSendMessagesRequest: ({ id, messages, trigger, messageId }) => ({ body: { id, message: messages.at(-1), trigger, messageId } }),
    })
    const chat = new Chat<UIMessage>({ id: chatId, transport })
    await chat.sendMessage({ text: 'Please delete a.txt' })
    const [approval] = (chat.lastMessage!.parts.filter(part => part.type === 'tool-delete_file') as Array<{ approval: { id: string } }>).map(part => part.approval.id)
    await chat.sendMessage({ text: 'Never mind, hello' })
    const [, first, , second] = chat.messages.map(message => message.id)
    await chat.addToolApprovalResponse({ id: approval!, approved: true })
    await chat.sendMessage()

    // Before: no error, and [[first…], [second, 'Deleting. |approval-responded'], …, [second, 'Deleting. |approval-responded']].
    expect(shown(chat.messages).slice(1)).toEqual([[first, 'Deleting. |approval-responded'], shown(chat.messages)[2], [second, 'Plain answer.']])
    expect((chat.error as Error & { statusCode?: number }).statusCode).toBe(400)
    expect(chat.error!.message).toMatch(new RegExp(`^messageId: names message "${first}", .* holds message "${second}": send the message the SDK names`))
    // Nothing changed on the server: A's job ended as the new message left it.
    const { messages } = await (await fetch(`${app.base}/api/jobs/chat/${chatId}/messages`)).json() as { messages: UIMessage[] }
    expect(shown(messages).slice(1)).toEqual([[first, 'Deleting. |output-denied'], shown(messages)[2], [second, 'Plain answer.']])
  })
})
