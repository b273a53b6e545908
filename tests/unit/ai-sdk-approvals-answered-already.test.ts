/**
 * Approvals a chat posts again that the job has all taken already: the same post after its
 * response was lost (a 503 from a forwarded answer whose reply was dropped, a connection cut after
 * the route took the answers). The native input route takes the same answer again from the same
 * user as taken (stored-answer.ts `answeredAlike`); the chat must not end in `error` with a 409
 * either, but show what the job did with them — as the messages route has it.
 * Real `Chat` from `@ai-sdk/vue` and the stock transport against the real chat route.
 */
import { DefaultChatTransport, lastAssistantMessageIsCompleteWithApprovalResponses } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { afterAll, describe, expect, it, vi } from 'vitest'
import type { RunContext } from '../../server/lib/run-context'
import { askToDelete, doneStep } from '../support/delete-approvals'
import { jobEnded } from '../support/approval-chat'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

/** Held open after the tool's outcome until the test lets it end (`gate(jobId).open()`). */
const gates = new Map<string, { opened: Promise<void>, open: () => void }>()
function gate(jobId: string) {
  let entry = gates.get(jobId)
  if (!entry) {
    let open = () => {}
    const opened = new Promise<void>(resolve => (open = resolve))
    entry = { opened, open }
    gates.set(jobId, entry)
  }
  return entry
}

async function runner(context: RunContext): Promise<void> {
  await askToDelete(context, ['a.txt'], 'Deleting. ')
  await gate(context.jobId).opened
  doneStep(context)
}

const app = useServedRoutes({ runners: { chat: runner } })
// Before the engine stops (hooks run last first): a test that failed leaves no job held open.
afterAll(() => gates.forEach(entry => entry.open()))

type ToolPart = { type: string, toolCallId: string, state: string, approval?: { approved?: boolean } }
const toolStates = (message: UIMessage) => (message.parts.filter(part => part.type === 'tool-delete_file') as ToolPart[]).map(part => [part.toolCallId, part.state, part.approval?.approved])
const textOf = (message: UIMessage) => message.parts.flatMap(part => (part.type === 'text' ? [part.text] : [])).join('|')

/**
 * A chat whose transport can lose the response of its next approval post: the route gets the
 * post and answers it, the client is told 503. `onResponse` runs once each later post has its headers.
 */
function lossyChat(chatId: string) {
  let loseNext = false
  let onResponse: () => void = () => {}
  let finished: () => void = () => {}
  let failed: () => void = () => {}
  const fetchThrough: typeof fetch = async (input, init) => {
    const response = await fetch(input, init)
    if (loseNext) {
      loseNext = false
      await response.body?.cancel()
      return new Response(JSON.stringify({ error: true, statusCode: 503, message: 'The job store is not answering; retry shortly' }), { status: 503 })
    }
    onResponse()
    return response
  }
  const chat = new Chat<UIMessage>({
    id: chatId,
    transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat`, fetch: fetchThrough }),
    sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
    onFinish: () => finished(),
    onError: () => failed(),
  })
  return {
    chat,
    loseNextResponse: () => (loseNext = true),
    afterNextResponse: (run: () => void) => (onResponse = () => {
      onResponse = () => {}
      run()
    }),
    nextFinish: () => new Promise<void>(resolve => (finished = resolve)),
    nextError: () => new Promise<void>(resolve => (failed = resolve)),
  }
}

async function ask(chat: Chat<UIMessage>) {
  await chat.sendMessage({ text: 'Delete a.txt' })
  const [part] = chat.lastMessage!.parts.filter(part => part.type === 'tool-delete_file') as Array<{ approval: { id: string } }>
  return { approvalId: part!.approval.id, jobId: chat.lastMessage!.id }
}

async function messagesOf(chatId: string): Promise<UIMessage[]> {
  return ((await (await fetch(`${app.base}/api/jobs/chat/${chatId}/messages`)).json()) as { messages: UIMessage[] }).messages
}

/** Answers the approval; its response is lost (503): the job took the answer all the same. */
async function answerLost(lossy: ReturnType<typeof lossyChat>, approvalId: string, jobId: string) {
  lossy.loseNextResponse()
  const failed = lossy.nextError()
  await lossy.chat.addToolApprovalResponse({ id: approvalId, approved: true })
  await failed
  expect(lossy.chat.status).toBe('error')
  const { state } = await app.engine.getJob('user-1', jobId)
  expect(state.answeredInputs.map(input => input.requestId)).toEqual([approvalId])
}

describe('approvals the chat posts again after their response was lost', () => {
  it('while the job still runs: the retry streams the rest of the job, no 409', async () => {
    const chatId = 'chat-answer-lost-running'
    const lossy = lossyChat(chatId)
    const { approvalId, jobId } = await ask(lossy.chat)
    await answerLost(lossy, approvalId, jobId)
    // The user retries (the same post) while the job still runs; it ends once the retry has its answer.
    lossy.afterNextResponse(() => gate(jobId).open())
    const finish = lossy.nextFinish()
    await lossy.chat.sendMessage()
    // Before: chat.error `{"error":true,"statusCode":409,…"is not pending in chat …"}` — the job went on with the answer.
    expect(lossy.chat.error?.message).toBeUndefined()
    await finish
    const messages = await messagesOf(chatId)
    expect(toolStates(messages.at(-1)!)).toEqual([['call_0', 'output-available', true]])
    expect(toolStates(lossy.chat.lastMessage!)).toEqual(toolStates(messages.at(-1)!))
    expect(textOf(lossy.chat.lastMessage!)).toBe('Deleting. |Done.')
  })

  it('after the job ended: the retry streams what the job did with the answer, no 409', async () => {
    const chatId = 'chat-answer-lost-ended'
    const lossy = lossyChat(chatId)
    const { approvalId, jobId } = await ask(lossy.chat)
    await answerLost(lossy, approvalId, jobId)
    gate(jobId).open()
    await jobEnded(app, jobId)
    const finish = lossy.nextFinish()
    await lossy.chat.sendMessage()
    expect(lossy.chat.error?.message).toBeUndefined()
    await finish
    const messages = await messagesOf(chatId)
    expect(toolStates(lossy.chat.lastMessage!)).toEqual(toolStates(messages.at(-1)!))
    expect(textOf(lossy.chat.lastMessage!)).toBe('Deleting. |Done.')
  })

  it('the same answer posted again to a job stopped since still gets the settled stream', async () => {
    const chatId = 'chat-answer-lost-aborted'
    const lossy = lossyChat(chatId)
    const { approvalId, jobId } = await ask(lossy.chat)
    await answerLost(lossy, approvalId, jobId)
    expect((await fetch(`${app.base}/api/jobs/${jobId}/abort`, { method: 'POST' })).status).toBe(200)
    await jobEnded(app, jobId)
    const finish = lossy.nextFinish()
    await lossy.chat.sendMessage()
    expect(lossy.chat.error?.message).toBeUndefined()
    await finish
    // Nothing ran after the stop: the message holds no text of step 2.
    expect(textOf(lossy.chat.lastMessage!)).toBe('Deleting. ')
  })
})
