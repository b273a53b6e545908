/**
 * A client-side tool's output posted together with a tool approval. The chat route refuses an
 * output the job never gave (`addToolOutput` on a call the job ran or ended itself) with a 400
 * naming the part (ai-sdk-client-tool-output.test.ts) — but only on a post with nothing else to
 * answer: one that also carried an approval answer resumed the job, which went on without the
 * output, while the client showed it as the call's. Now the same rule holds on both: the 400 comes
 * first and answers nothing, so the approval still waits; the message sent as the job has it
 * (the output dropped) is answered as usual. Real `Chat` from `@ai-sdk/vue`, the stock transport
 * and the real executor.
 */
import { APICallError, DefaultChatTransport } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { z } from 'zod'
import { describe, expect, it, vi } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import type { ModelClient } from '../../server/lib/model/types'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { useServedRoutes } from '../support/route-app'
import { postTurn } from '../support/superseded-answers'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

/** To a user message: calls `get_location` (client) and `delete_file` (needs approval); after their results: text. */
const model: ModelClient = {
  scripted: false,
  async* stream(request) {
    if (request.messages.at(-1)!.role === 'user') {
      yield { type: 'tool-call', call: { id: 'call_loc', name: 'get_location', arguments: '{}' } }
      yield { type: 'tool-call', call: { id: 'call_del', name: 'delete_file', arguments: '{"path":"a.txt"}' } }
      yield { type: 'finish', finishReason: 'tool_calls' }
      return
    }
    yield { type: 'text-delta', text: 'Deleted, without your location.' }
    yield { type: 'finish', finishReason: 'stop' }
  },
}

let deleted = 0
const tools = createToolRegistry([
  defineTool({ name: 'get_location', description: 'Where the browser is', parameters: z.object({}), runtime: 'client', execute: () => 'never runs here' }),
  defineTool({ name: 'delete_file', description: 'Deletes a file', parameters: z.object({ path: z.string() }), needsApproval: true, execute: ({ path }) => ({ deleted: path, count: ++deleted }) }),
])

const app = useServedRoutes({ runners: { chat: runChatJob }, model, tools })

describe('a client-side tool\'s output posted with a tool approval', () => {
  it('is the same 400 as without one, and answers nothing: the approval still waits; sent as the job has it, the answer goes on', async () => {
    const chat = new Chat<UIMessage>({ id: 'chat-output-and-approval', transport: new DefaultChatTransport<UIMessage>({ api: `${app.base}/api/jobs/chat`, body: { tools: ['get_location', 'delete_file'] } }) })
    await chat.sendMessage({ text: 'Where am I? Then delete a.txt.' })
    const answer = chat.lastMessage!
    expect(answer.parts.find(part => part.type === 'tool-get_location')).toMatchObject({ state: 'output-error' })
    const asked = answer.parts.find(part => part.type === 'tool-delete_file') as { state: string, approval: { id: string } }
    expect(asked.state).toBe('approval-requested')
    const asJobHasIt = JSON.parse(JSON.stringify(chat.messages)) as UIMessage[]

    // The app gives the client tool its output after the response, and the user approves the deletion.
    await chat.addToolOutput({ tool: 'get_location', toolCallId: 'call_loc', output: 'Berlin' } as never)
    await chat.addToolApprovalResponse({ id: asked.approval.id, approved: true })
    await chat.sendMessage()
    // Before: 200 — the deletion ran and the answer went on without 'Berlin', which the client kept showing.
    expect(chat.status).toBe('error')
    expect(APICallError.isInstance(chat.error)).toBe(true)
    expect((chat.error as APICallError).statusCode).toBe(400)
    expect(chat.error!.message).toMatch(/^messages\.1\.parts\.1: an output for tool call "call_loc" \(get_location, a runtime: 'client' tool\) that its job did not give: /)
    const { job, state } = await app.engine.getJob('user-1', answer.id)
    expect(job.status).toBe('waiting')
    expect(state.pendingInputs.map(input => input.requestId)).toEqual([asked.approval.id])
    expect(deleted).toBe(0)

    // The same approval with the call as the job has it: answered, and the job goes on.
    const approved = asJobHasIt.map(message => (message.id !== answer.id ? message : { ...message, parts: message.parts.map(part => (part.type === 'tool-delete_file' ? { ...part, state: 'approval-responded', approval: { id: asked.approval.id, approved: true } } : part)) }))
    const posted = await postTurn(app.base, { id: 'chat-output-and-approval', messages: approved, trigger: 'submit-message', messageId: answer.id })
    expect(posted.status).toBe(200)
    expect(posted.jobId).toBe(answer.id)
    expect(deleted).toBe(1)
    await vi.waitFor(async () => expect((await app.engine.getJob('user-1', answer.id)).job.status).toBe('completed'))
  })
})
