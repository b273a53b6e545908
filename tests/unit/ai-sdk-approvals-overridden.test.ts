/**
 * Every approval the chat posts was answered elsewhere first, with another decision: another tab
 * denied them through the native `POST /api/jobs/:id/input` (or they expired). The route answered
 * a 409: `useChat` went to `error`, its parts kept this tab's answers (`approval-responded`,
 * approved) on calls the job denied, and its retry (`sendMessage()`) posted them again into the
 * same 409 — a chat stuck in `error` that never showed what happened. The post now streams the
 * job from before those answers, so the chat ends as the job and the messages route have it.
 * Real `Chat` from `@ai-sdk/vue` and the stock transport against the real chat route.
 */
import { DefaultChatTransport, lastAssistantMessageIsCompleteWithApprovalResponses } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { describe, expect, it, vi } from 'vitest'
import { deleteThenDone } from '../support/delete-approvals'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const runner = deleteThenDone(['a.txt', 'b.txt'], 'Deleting both. ')

const app = useServedRoutes({ runners: { chat: runner } })

type ToolPart = { type: string, toolCallId: string, state: string, approval?: { approved?: boolean } }
const toolStates = (message: UIMessage) => (message.parts.filter(part => part.type === 'tool-delete_file') as ToolPart[]).map(part => [part.toolCallId, part.state, part.approval?.approved])
const textOf = (message: UIMessage) => message.parts.flatMap(part => (part.type === 'text' ? [part.text] : [])).join('|')

/** Waits (in event-loop turns, not time) until the job is no longer running. */
async function ended(jobId: string): Promise<void> {
  for (let turn = 0; turn < 1000; turn++) {
    const { state } = await app.engine.getJob('user-1', jobId)
    if (state.status !== 'running' && state.status !== 'waiting') return
    await new Promise(resolve => setImmediate(resolve))
  }
  throw new Error(`job ${jobId} did not end`)
}

describe('approvals the chat posts after all of them were answered elsewhere with another decision', () => {
  it('the post streams what the job did with the other answers: no 409, no chat stuck in error', async () => {
    const chatId = 'chat-approvals-overridden'
    let finished: () => void = () => {}
    const errors: string[] = []
    const chat = new Chat<UIMessage>({
      id: chatId,
      transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }),
      sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
      onFinish: () => finished(),
      onError: error => errors.push(error.message),
    })
    await chat.sendMessage({ text: 'Delete a.txt and b.txt' })
    const asked = (chat.lastMessage!.parts.filter(part => part.type === 'tool-delete_file') as Array<{ approval: { id: string } }>).map(part => part.approval.id)
    expect(asked).toHaveLength(2)
    const jobId = chat.lastMessage!.id
    // Another tab denies both through the native route; the job goes on and ends.
    for (const requestId of asked) {
      expect((await fetch(`${app.base}/api/jobs/${jobId}/input`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ requestId, answer: 'deny' }) })).status).toBe(200)
    }
    await ended(jobId)
    // This tab approves both; the SDK posts once both are answered.
    let continuation = new Promise<void>(resolve => (finished = resolve))
    await chat.addToolApprovalResponse({ id: asked[0]!, approved: true })
    await chat.addToolApprovalResponse({ id: asked[1]!, approved: true })
    await continuation
    // The retry a chat in error offers: before, the same 409 again.
    continuation = new Promise<void>(resolve => (finished = resolve))
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
