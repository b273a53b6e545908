/**
 * A post of the chat while its answer waits for a tool approval that is not answered yet
 * (`chat.sendMessage()` with no message — the docs' way to post approvals without
 * `sendAutomaticallyWhen` — pressed before answering, or an app's "continue"). Nothing is answered,
 * so nothing new runs (settled-stream.ts); but the response must leave the approval where the
 * SDK's `lastAssistantMessageIsCompleteWithApprovalResponses` looks for it, in the message's last
 * step, or answering it afterwards never posts and the job waits until the request expires.
 * Real `Chat` from `@ai-sdk/vue` and the stock transport against the real chat route.
 */
import { DefaultChatTransport, lastAssistantMessageIsCompleteWithApprovalResponses } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { describe, expect, it, vi } from 'vitest'
import { deleteThenDone } from '../support/delete-approvals'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const runner = deleteThenDone(['a.txt'], 'Deleting. ')

const app = useServedRoutes({ runners: { chat: runner } })

type ToolPart = { type: string, toolCallId: string, state: string, approval?: { id: string, approved?: boolean } }
const toolParts = (message: UIMessage) => message.parts.filter(part => part.type === 'tool-delete_file') as ToolPart[]
const textOf = (message: UIMessage) => message.parts.flatMap(part => (part.type === 'text' ? [part.text] : [])).join('|')

describe('a post while an approval is not answered yet', () => {
  it('leaves the approval answerable: answering it then posts, and the job goes on', async () => {
    let posts = 0
    let finishes: Array<string | undefined> = []
    let finished: () => void = () => {}
    const chat = new Chat<UIMessage>({
      id: 'chat-posted-while-asking',
      transport: new DefaultChatTransport({
        api: `${app.base}/api/jobs/chat`,
        fetch: (input, init) => {
          posts++
          return fetch(input, init)
        },
      }),
      sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
      onFinish: ({ finishReason }) => {
        finishes.push(finishReason)
        finished()
      },
    })
    await chat.sendMessage({ text: 'Delete a.txt' })
    const [asked] = toolParts(chat.lastMessage!)
    expect(asked!.state).toBe('approval-requested')
    finishes = []
    // Posted with the approval still open: nothing new runs, no error, the message as it was.
    await chat.sendMessage()
    expect(posts).toBe(2)
    expect(chat.error?.message).toBeUndefined()
    expect(toolParts(chat.lastMessage!).map(part => part.state)).toEqual(['approval-requested'])
    // Answering it now posts (sendAutomaticallyWhen) and the job runs the tool.
    const continuation = new Promise<void>(resolve => (finished = resolve))
    await chat.addToolApprovalResponse({ id: asked!.approval!.id, approved: true })
    for (let turn = 0; turn < 50 && posts < 3; turn++) await new Promise(resolve => setImmediate(resolve))
    // Before: 2 — the settled answer had closed the message's last step with an empty one, so the
    // SDK's predicate found no answered approval there and never posted; the job waited on.
    expect(posts).toBe(3)
    // The settled answer ended as the waiting answer had: 'tool-calls'.
    expect(finishes.slice(0, 1)).toEqual(['tool-calls'])
    await continuation
    expect(chat.error?.message).toBeUndefined()
    expect(toolParts(chat.lastMessage!).map(part => [part.state, part.approval?.approved])).toEqual([['output-available', true]])
    expect(textOf(chat.lastMessage!)).toBe('Deleting. |Done.')
    const { messages } = await (await fetch(`${app.base}/api/jobs/chat/chat-posted-while-asking/messages`)).json() as { messages: UIMessage[] }
    expect(toolParts(chat.lastMessage!).map(part => part.state)).toEqual(toolParts(messages.at(-1)!).map(part => part.state))
  })
})
