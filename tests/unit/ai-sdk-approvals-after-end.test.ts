/**
 * An approval answered in the chat after its job ended while it waited: stopped from another tab
 * (the abort route), so the request was never answered. The route answered a 409: `useChat` went to
 * `error`, the part kept this tab's answer (`approval-responded`) on a call that never ran, and its
 * retry (`sendMessage()`, which posts the pending approval message again) got the same 409 — a
 * chat stuck in `error`. The post now streams the job's end, so the chat ends as the job and the
 * messages route have it: the call never run (`output-denied`, the answer stopped before it was
 * approved), the answer aborted.
 * Real `Chat` from `@ai-sdk/vue` and the stock transport against the real chat route.
 */
import { validateUIMessages } from 'ai'
import type { UIMessage } from 'ai'
import { describe, expect, it, vi } from 'vitest'
import { STOPPED_BEFORE_APPROVAL_REASON } from '../../shared/ended-before-approval'
import { deleteThenDone } from '../support/delete-approvals'
import { approvalChat } from '../support/approval-chat'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const runner = deleteThenDone(['a.txt'], 'Deleting. ')

const app = useServedRoutes({ runners: { chat: runner } })

type ToolPart = { type: string, toolCallId: string, state: string, approval?: { approved?: boolean, reason?: string } }
const toolStates = (message: UIMessage) => (message.parts.filter(part => part.type === 'tool-delete_file') as ToolPart[]).map(part => [part.toolCallId, part.state, part.approval?.approved, part.approval?.reason])
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
    // Never approved, never run: denied by the job's end, with the reason (ended-shapes-validate.test.ts).
    expect(toolStates(messages.at(-1)!)).toEqual([['call_0', 'output-denied', false, STOPPED_BEFORE_APPROVAL_REASON]])
    // Before: [['call_0', 'approval-responded', …]] — a call that never ran, shown as answered.
    // This tab's own `approved: true` gives way to the job's end too.
    expect(toolStates(chat.lastMessage!)).toEqual(toolStates(messages.at(-1)!))
    await expect(validateUIMessages({ messages: chat.messages })).resolves.toBeDefined()
    expect(textOf(chat.lastMessage!)).toBe('Deleting. ')
  })
})
