/**
 * An approval answered on an earlier message: the chat asked to delete a file (answer A), the user
 * wrote on instead (answer B; the server ended A, its approval "not approved"), then approved A's
 * call, which a stock UI still offers, and sent (`sendMessage()` with no message). The SDK posts
 * with `messageId` = A and writes the response into A. The route read only the last message (B,
 * nothing to answer) and sent B's settled stream: the SDK wrote it into its copy of A renamed B,
 * so B's answer was gone and two messages had B's id. The post is now about the message the SDK
 * names: A's stream, with what the job did with that approval.
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

type ToolPart = { type: string, state: string, approval?: { approved?: boolean } }
const shown = (messages: UIMessage[]) => messages.map(message => [
  message.id,
  message.parts.flatMap(part => (part.type === 'text' ? [part.text] : part.type === 'tool-delete_file' ? [`${(part as ToolPart).state}:${(part as ToolPart).approval?.approved}`] : [])).join('|'),
])

describe('an approval answered on an earlier message, then sent', () => {
  it('the response is that message\'s: the later answer stays as it was', async () => {
    const chatId = 'chat-earlier-approval'
    const chat = new Chat<UIMessage>({ id: chatId, transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }) })
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
})
