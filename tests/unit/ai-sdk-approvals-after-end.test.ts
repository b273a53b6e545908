/**
 * An approval answered in the chat after its job ended while it waited: stopped from another tab
 * (the abort route), so the request was never answered. The route answered a 409: `useChat` went to
 * `error`, the part kept this tab's answer (`approval-responded`) on a call that never ran, and its
 * retry (`sendMessage()`, which posts the pending approval message again) got the same 409 — a
 * chat stuck in `error`. The post now streams the job's end, so the chat ends as the job and the
 * messages route have it: the call cut off (`output-error`), the answer aborted.
 * Real `Chat` from `@ai-sdk/vue` and the stock transport against the real chat route.
 */
import type { UIMessage } from 'ai'
import { describe, expect, it, vi } from 'vitest'
import { deleteThenDone } from '../support/delete-approvals'
import { approvalChat } from '../support/approval-chat'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const runner = deleteThenDone(['a.txt'], 'Deleting. ')

const app = useServedRoutes({ runners: { chat: runner } })

type ToolPart = { type: string, toolCallId: string, state: string, errorText?: string }
const toolStates = (message: UIMessage) => (message.parts.filter(part => part.type === 'tool-delete_file') as ToolPart[]).map(part => [part.toolCallId, part.state, part.errorText])
const textOf = (message: UIMessage) => message.parts.flatMap(part => (part.type === 'text' ? [part.text] : [])).join('|')

describe('an approval answered after its job ended while it waited', () => {
  it('the post streams the job\'s end: no 409, no chat stuck in error', async () => {
    const chatId = 'chat-approval-after-end'
    const { chat, errors, nextFinish } = approvalChat(app, chatId)
    await chat.sendMessage({ text: 'Delete a.txt' })
    const [asked] = (chat.lastMessage!.parts.filter(part => part.type === 'tool-delete_file') as Array<{ approval: { id: string } }>).map(part => part.approval.id)
    const jobId = chat.lastMessage!.id
    // Another tab stops the answer while the approval waits.
    const stopped = await (await fetch(`${app.base}/api/jobs/chat/${chatId}/abort`, { method: 'POST' })).json() as { jobs: Array<{ id: string, status: string }> }
    expect(stopped.jobs).toMatchObject([{ id: jobId, status: 'aborted' }])
    // This tab approves; the SDK posts.
    let continuation = nextFinish()
    await chat.addToolApprovalResponse({ id: asked!, approved: true })
    await continuation
    // The retry a chat in error offers: before, the same 409 again.
    continuation = nextFinish()
    await chat.sendMessage()
    await continuation
    // Before: ['{"error":true,…"statusCode":409,…"is not pending in chat …"}', the same again].
    expect(errors).toEqual([])
    expect(chat.status).toBe('ready')

    const { messages } = await (await fetch(`${app.base}/api/jobs/chat/${chatId}/messages`)).json() as { messages: UIMessage[] }
    expect(toolStates(messages.at(-1)!)).toEqual([['call_0', 'output-error', 'job aborted (aborted)']])
    // Before: [['call_0', 'approval-responded', undefined]] — a call that never ran, shown as answered.
    expect(toolStates(chat.lastMessage!)).toEqual(toolStates(messages.at(-1)!))
    expect(textOf(chat.lastMessage!)).toBe('Deleting. ')
  })
})
