/**
 * Every approval the chat posts was answered elsewhere first, with another decision: another tab
 * denied them through the native `POST /api/jobs/:id/input` (or they expired). The route answered
 * a 409: `useChat` went to `error`, its parts kept this tab's answers (`approval-responded`,
 * approved) on calls the job denied, and its retry (`sendMessage()`) posted them again into the
 * same 409 — a chat stuck in `error` that never showed what happened. The post now streams the
 * job from before those answers, so the chat ends as the job and the messages route have it.
 * Real `Chat` from `@ai-sdk/vue` and the stock transport against the real chat route.
 */
import type { UIMessage } from 'ai'
import { describe, expect, it, vi } from 'vitest'
import { deleteThenDone } from '../support/delete-approvals'
import { approvalChat, jobEnded } from '../support/approval-chat'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const runner = deleteThenDone(['a.txt', 'b.txt'], 'Deleting both. ')

const app = useServedRoutes({ runners: { chat: runner } })

type ToolPart = { type: string, toolCallId: string, state: string, approval?: { approved?: boolean } }
const toolStates = (message: UIMessage) => (message.parts.filter(part => part.type === 'tool-delete_file') as ToolPart[]).map(part => [part.toolCallId, part.state, part.approval?.approved])
const textOf = (message: UIMessage) => message.parts.flatMap(part => (part.type === 'text' ? [part.text] : [])).join('|')

describe('approvals the chat posts after all of them were answered elsewhere with another decision', () => {
  it('the post streams what the job did with the other answers: no 409, no chat stuck in error', async () => {
    const chatId = 'chat-approvals-overridden'
    const { chat, errors, nextFinish } = approvalChat(app, chatId)
    await chat.sendMessage({ text: 'Delete a.txt and b.txt' })
    const asked = (chat.lastMessage!.parts.filter(part => part.type === 'tool-delete_file') as Array<{ approval: { id: string } }>).map(part => part.approval.id)
    expect(asked).toHaveLength(2)
    const jobId = chat.lastMessage!.id
    // Another tab denies both through the native route; the job goes on and ends.
    for (const requestId of asked) {
      expect((await fetch(`${app.base}/api/jobs/${jobId}/input`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ requestId, answer: 'deny' }) })).status).toBe(200)
    }
    await jobEnded(app, jobId)
    // This tab approves both; the SDK posts once both are answered.
    let continuation = nextFinish()
    await chat.addToolApprovalResponse({ id: asked[0]!, approved: true })
    await chat.addToolApprovalResponse({ id: asked[1]!, approved: true })
    await continuation
    // The retry a chat in error offers: before, the same 409 again.
    continuation = nextFinish()
    await chat.sendMessage()
    await continuation
    // Before: ['{"error":true,…"statusCode":409,…"is not pending in chat …"}', the same again].
    expect(errors).toEqual([])
    expect(chat.status).toBe('ready')

    const { messages } = await (await fetch(`${app.base}/api/jobs/chat/${chatId}/messages`)).json() as { messages: UIMessage[] }
    expect(toolStates(messages.at(-1)!)).toEqual([['call_0', 'output-denied', false], ['call_1', 'output-denied', false]])
    // Before: [['call_0', 'approval-responded', true], ['call_1', 'approval-responded', true]] — this tab's answers, which the job never took.
    expect(toolStates(chat.lastMessage!)).toEqual(toolStates(messages.at(-1)!))
    expect(textOf(chat.lastMessage!)).toBe(textOf(messages.at(-1)!))
    expect(textOf(chat.lastMessage!)).toBe('Deleting both. |Done.')
  })
})
