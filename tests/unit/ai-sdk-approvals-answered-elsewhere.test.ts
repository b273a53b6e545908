/**
 * Two approvals wait; one of them is answered elsewhere (the native `POST /api/jobs/:id/input`,
 * another tab's native UI, or its expiry) while the chat's response is over, or while the route
 * answers the chat's post. The chat's own answers: the route answers the ones still pending and
 * streams the rest of the job. The client must end with what the job did to the other one, as the
 * messages route shows it — not with its own answer, which the job never took, nor with a 409.
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

/** Asks to delete both files; returns the chat, the two approval ids and the job id. */
async function askBoth(chatId: string) {
  let finished: () => void = () => {}
  const chat = new Chat<UIMessage>({
    id: chatId,
    transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }),
    sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
    onFinish: () => finished(),
  })
  await chat.sendMessage({ text: 'Delete a.txt and b.txt' })
  const asked = (chat.lastMessage!.parts.filter(part => part.type === 'tool-delete_file') as Array<{ approval: { id: string } }>).map(part => part.approval.id)
  expect(asked).toHaveLength(2)
  const nextFinish = () => new Promise<void>(resolve => (finished = resolve))
  return { chat, asked, jobId: chat.lastMessage!.id, nextFinish }
}

type ToolPart = { type: string, toolCallId: string, state: string, approval?: { approved?: boolean } }
const toolStates = (message: UIMessage) => (message.parts.filter(part => part.type === 'tool-delete_file') as ToolPart[]).map(part => [part.toolCallId, part.state, part.approval?.approved])

describe('approvals the chat posts after one was answered elsewhere', () => {
  it('the client ends with what the job did to each call, as the messages route has it', async () => {
    const chatId = 'chat-answered-elsewhere'
    let finished: () => void = () => {}
    const chat = new Chat<UIMessage>({
      id: chatId,
      transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }),
      sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
      onFinish: () => finished(),
    })
    await chat.sendMessage({ text: 'Delete a.txt and b.txt' })
    const asked = (chat.lastMessage!.parts.filter(part => part.type === 'tool-delete_file') as Array<{ approval: { id: string } }>).map(part => part.approval.id)
    expect(asked).toHaveLength(2)
    const jobId = chat.lastMessage!.id
    // Another tab denies b.txt through the native route.
    expect((await fetch(`${app.base}/api/jobs/${jobId}/input`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ requestId: asked[1], answer: 'deny' }) })).status).toBe(200)
    // This tab approves both; the SDK posts once both are answered.
    const continuation = new Promise<void>(resolve => (finished = resolve))
    await chat.addToolApprovalResponse({ id: asked[0]!, approved: true })
    await chat.addToolApprovalResponse({ id: asked[1]!, approved: true })
    await continuation
    expect(chat.error?.message).toBeUndefined()

    const { messages } = await (await fetch(`${app.base}/api/jobs/chat/${chatId}/messages`)).json() as { messages: UIMessage[] }
    expect(toolStates(messages.at(-1)!)).toEqual([['call_0', 'output-available', true], ['call_1', 'output-denied', false]])
    // Before: b.txt stayed ['call_1', 'approval-responded', true] here — this tab's answer, not the job's.
    expect(toolStates(chat.lastMessage!)).toEqual(toolStates(messages.at(-1)!))
    // Nothing twice: the text as the job has it.
    const textOf = (message: UIMessage) => message.parts.flatMap(part => (part.type === 'text' ? [part.text] : [])).join('|')
    expect(textOf(chat.lastMessage!)).toBe(textOf(messages.at(-1)!))
    expect(textOf(chat.lastMessage!)).toBe('Deleting both. |Done.')
  })
})

describe('approvals the chat posts while one is answered elsewhere', () => {
  it('the route takes the others and streams on: no 409 for an answer the job took meanwhile', async () => {
    const chatId = 'chat-answered-meanwhile'
    const { chat, asked, jobId, nextFinish } = await askBoth(chatId)
    // Another tab denies b.txt while the route answers this tab's post, after it took a.txt.
    const engine = app.engine
    const limitRate = engine.limitRate.bind(engine)
    let calls = 0
    engine.limitRate = async (...args: Parameters<typeof limitRate>) => {
      await limitRate(...args)
      if (args[1] === 'input' && ++calls === 2) await engine.answerInput('user-1', jobId, { requestId: asked[1]!, answer: 'deny' })
    }
    try {
      const continuation = nextFinish()
      await chat.addToolApprovalResponse({ id: asked[0]!, approved: true })
      await chat.addToolApprovalResponse({ id: asked[1]!, approved: true })
      await continuation
    }
    finally {
      engine.limitRate = limitRate
    }
    expect(calls).toBe(2)
    // Before: chat.error `{"statusCode":409,…,"message":"Input request … is not pending on this server"}`, while the job went on with a.txt.
    expect(chat.error?.message).toBeUndefined()
    const { messages } = await (await fetch(`${app.base}/api/jobs/chat/${chatId}/messages`)).json() as { messages: UIMessage[] }
    expect(toolStates(messages.at(-1)!)).toEqual([['call_0', 'output-available', true], ['call_1', 'output-denied', false]])
    expect(toolStates(chat.lastMessage!)).toEqual(toolStates(messages.at(-1)!))
  })
})
