/**
 * An answer stopped while the tool the user approved ran (the abort route from another tab, or
 * that route alone) ends its response with the tool part `output-error` (the job's end cut it
 * off), then an `abort` chunk, so the approval flow the docs set up
 * (`lastAssistantMessageIsCompleteWithApprovalResponses`) posts nothing more. A client that still
 * holds the part `approval-responded` (its response was cut before the stop reached it) posts the
 * same answers again: that post must settle with nothing new run, not a 409 that puts the chat in
 * `error` for a stop the user asked for.
 * Real `Chat` from `@ai-sdk/vue` and the stock transport against the real chat route.
 */
import { DefaultChatTransport, lastAssistantMessageIsCompleteWithApprovalResponses } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { describe, expect, it, vi } from 'vitest'
import type { RunContext } from '../../server/lib/run-context'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

/** Resolved once the approved tool runs (it then runs until the job is aborted). */
let toolRuns: () => void = () => {}

/** One step asking to delete a file; once approved, the tool runs until the job is stopped. */
async function runner(context: RunContext): Promise<void> {
  context.emit({ type: 'step-start', step: 1 })
  context.text('Deleting it. ')
  context.emit({ type: 'step-end', step: 1, finishReason: 'tool_calls' })
  context.emit({ type: 'tool-call', id: 'call_delete', name: 'delete_file', args: { path: 'a.txt' }, step: 1 })
  await context.requestInput({ kind: 'tool-approval', prompt: 'Delete a.txt?', onTimeout: 'deny', toolCallId: 'call_delete', tool: 'delete_file', args: { path: 'a.txt' } })
  toolRuns()
  await new Promise((_resolve, reject) => context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true }))
}

const app = useServedRoutes({ runners: { chat: runner } })

describe('approvals posted again after the answer was stopped', () => {
  it('settle (nothing runs, no error), where they were a 409', async () => {
    const chatId = 'chat-stopped-approval'
    const posts: string[] = []
    const finishes: Array<{ isError: boolean }> = []
    let finished: () => void = () => {}
    const chat = new Chat<UIMessage>({
      id: chatId,
      transport: new DefaultChatTransport({
        api: `${app.base}/api/jobs/chat`,
        fetch: async (url, init) => {
          posts.push(String(init?.method))
          return await fetch(url, init)
        },
      }),
      sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
      onFinish: ({ isError }) => {
        finishes.push({ isError })
        finished()
      },
    })
    const nextFinish = () => new Promise<void>(resolve => (finished = resolve))

    await chat.sendMessage({ text: 'Delete a.txt' })
    const asked = chat.messages.at(-1)!.parts.find(part => part.type === 'tool-delete_file') as { approval: { id: string } }
    const running = new Promise<void>(resolve => (toolRuns = resolve))
    await chat.addToolApprovalResponse({ id: asked.approval.id, approved: true })
    await running
    // What a tab whose response was cut at this point still holds.
    const heldBeforeTheStop = JSON.parse(JSON.stringify(chat.messages)) as UIMessage[]
    // Stopped elsewhere: the response in this tab ends with the cut-off tool, then `abort`.
    const continuationEnds = nextFinish()
    expect((await fetch(`${app.base}/api/jobs/chat/${chatId}/abort`, { method: 'POST' })).status).toBe(200)
    await continuationEnds

    expect(posts).toEqual(['POST', 'POST'])
    expect(finishes).toEqual([{ isError: false }, { isError: false }])
    expect(chat.status).toBe('ready')
    const [job] = await app.engine.listJobs('user-1', { threadId: chatId })
    expect(job!.status).toBe('aborted')
    const answer = chat.messages.at(-1)!
    expect(answer.id).toBe(job!.id)
    expect(answer.parts.find(part => part.type === 'tool-delete_file')).toMatchObject({ state: 'output-error', errorText: 'job aborted (aborted)', approval: { approved: true } })
    expect(lastAssistantMessageIsCompleteWithApprovalResponses({ messages: chat.messages })).toBe(false)

    // A tab that still holds the approval answered posts it again (the SDK does so on its own).
    const stale = new Chat<UIMessage>({
      id: chatId,
      messages: heldBeforeTheStop,
      transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }),
      sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
    })
    expect(stale.lastMessage!.parts.find(part => part.type === 'tool-delete_file')).toMatchObject({ state: 'approval-responded', approval: { approved: true } })
    await stale.sendMessage()
    expect(stale.error?.message).toBeUndefined()
    expect(stale.status).toBe('ready')
    // One settled request: the message's last step is empty, so the SDK does not post again.
    expect(stale.lastMessage!.id).toBe(job!.id)
    expect(stale.lastMessage!.parts.at(-1)).toEqual({ type: 'step-start' })
  })
})
