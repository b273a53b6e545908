/**
 * docs/ai-sdk.md, "A new message while an answer waits or runs": an approval the user answered in
 * the client (`addToolApprovalResponse`) but that was never posted (no `sendAutomaticallyWhen`, no
 * `sendMessage()` after it) is ended "not approved" by the next message like one never answered —
 * as an AI SDK route runs no approved call that a later user message follows. The client's part
 * keeps the answer it gave (`approval-responded`, approved); the messages route shows the call
 * denied with the reason. The SDK's `Chat` on the stock transport.
 */
import { DefaultChatTransport } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { describe, expect, it, vi } from 'vitest'
import { SUPERSEDED_REASON } from '../../server/lib/ai-sdk/superseded-jobs'
import { deleteOrPlainAnswer } from '../support/delete-approvals'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes({ runners: { chat: deleteOrPlainAnswer } })

/** The `delete_file` tool part of `message`, as far as this test reads it. */
const deletePart = (message: UIMessage | undefined) => message?.parts.find(part => part.type === 'tool-delete_file') as { state: string, approval: { id: string, approved?: boolean, reason?: string } } | undefined

describe('an approval answered in the client but not sent, then a new message', () => {
  it('is ended not approved on the server, the tool never runs; the client part keeps its answer until a reload', async () => {
    const chat = new Chat<UIMessage>({ id: 'approved-then-written-past', transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }) })
    await chat.sendMessage({ text: 'Please delete a.txt' })
    const waiting = chat.lastMessage!
    await chat.addToolApprovalResponse({ id: deletePart(waiting)!.approval.id, approved: true })
    await chat.sendMessage({ text: 'Something else' })
    expect(chat.status).toBe('ready')

    const { state } = await app.engine.getJob('user-1', waiting.id)
    expect(state.status).toBe('aborted')
    expect(state.answeredInputs).toEqual([expect.objectContaining({ answer: { approved: false, reason: SUPERSEDED_REASON } })])
    expect(state.toolCalls.map(call => call.result)).toEqual([undefined])
    expect(deletePart(chat.messages.find(message => message.id === waiting.id))).toMatchObject({ state: 'approval-responded', approval: { approved: true } })

    const { messages } = await (await fetch(`${app.base}/api/jobs/chat/approved-then-written-past/messages`)).json() as { messages: UIMessage[] }
    expect(deletePart(messages.find(message => message.id === waiting.id))).toMatchObject({ state: 'output-denied', approval: { approved: false, reason: SUPERSEDED_REASON } })
  })
})
