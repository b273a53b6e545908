/**
 * A client-side tool's output posted together with a tool approval. A `runtime: 'client'` call
 * makes its job wait for the browser's output (decision 44), beside the approval: the post that
 * carries both answers both, and the job goes on with the output as the call's result (before:
 * the call had ended as an error and the post was a 400). An output the job did not give and
 * does not wait for is still the 400 with approvals too, before anything is answered, so the
 * approval still waits; the message sent as the job has it is answered as usual. Real `Chat`
 * from `@ai-sdk/vue`, the stock transport and the real executor.
 */
import { DefaultChatTransport } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { z } from 'zod'
import { describe, expect, it, vi } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import type { ModelRequest } from '../../server/lib/model/types'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { useServedRoutes } from '../support/route-app'
import { postTurn } from '../support/superseded-answers'
import { callsThenAnswer, LOCATION_CALL } from '../support/calls-then-answer'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const requests: ModelRequest[] = []

/** To a user message: calls `get_location` (client) and `delete_file` (needs approval); after their results: text. */
const model = callsThenAnswer(requests, () => [LOCATION_CALL, { id: 'call_del', name: 'delete_file', arguments: '{"path":"a.txt"}' }], () => 'Deleted, without your location.')

let deleted = 0
const tools = createToolRegistry([
  defineTool({ name: 'get_location', description: 'Where the browser is', parameters: z.object({}), runtime: 'client', execute: () => 'never runs here' }),
  defineTool({ name: 'delete_file', description: 'Deletes a file', parameters: z.object({ path: z.string() }), needsApproval: true, execute: ({ path }) => ({ deleted: path, count: ++deleted }) }),
])

const app = useServedRoutes({ runners: { chat: runChatJob }, model, tools })

describe('a client-side tool\'s output posted with a tool approval', () => {
  it('answers both: the approved tool runs and the model reads the browser\'s output', async () => {
    const chat = new Chat<UIMessage>({ id: 'chat-output-and-approval', transport: new DefaultChatTransport<UIMessage>({ api: `${app.base}/api/jobs/chat`, body: { tools: ['get_location', 'delete_file'] } }) })
    await chat.sendMessage({ text: 'Where am I? Then delete a.txt.' })
    const answer = chat.lastMessage!
    // The job waits for both: the browser's output and the person's approval.
    expect(answer.parts.find(part => part.type === 'tool-get_location')).toMatchObject({ state: 'input-available' })
    const asked = answer.parts.find(part => part.type === 'tool-delete_file') as { state: string, approval: { id: string } }
    expect(asked.state).toBe('approval-requested')

    await chat.addToolOutput({ tool: 'get_location', toolCallId: 'call_loc', output: 'Berlin' } as never)
    await chat.addToolApprovalResponse({ id: asked.approval.id, approved: true })
    await chat.sendMessage()
    expect(chat.status).toBe('ready')
    expect(deleted).toBe(1)
    expect(requests.at(-1)!.messages.find(message => message.role === 'tool' && message.tool_call_id === 'call_loc')!.content).toBe('"Berlin"')
    const { job, state } = await app.engine.getJob('user-1', answer.id)
    expect(job.status).toBe('completed')
    expect(state.toolCalls.map(call => [call.id, call.status])).toEqual([['call_loc', 'completed'], ['call_del', 'completed']])
  })

  it('an output the job does not wait for is the same 400 as without an approval, and answers nothing; sent as the job has it, the answers go on', async () => {
    const chat = new Chat<UIMessage>({ id: 'chat-stray-output-and-approval', transport: new DefaultChatTransport<UIMessage>({ api: `${app.base}/api/jobs/chat`, body: { tools: ['get_location', 'delete_file'] } }) })
    await chat.sendMessage({ text: 'Where am I? Then delete a.txt.' })
    const answer = chat.lastMessage!
    const asked = answer.parts.find(part => part.type === 'tool-delete_file') as { approval: { id: string } }
    const approve = (part: UIMessage['parts'][number]) => (part.type === 'tool-delete_file' ? { ...part, state: 'approval-responded', approval: { id: asked.approval.id, approved: true } } : part)
    const answered = (extra: unknown[]) => chat.messages.map(message => (message.id !== answer.id ? message : { ...message, parts: [...message.parts.map(approve), ...extra] }))
    const stray = { type: 'tool-get_location', toolCallId: 'call_elsewhere', state: 'output-available', input: {}, output: 'Paris' }
    const refused = await postTurn(app.base, { id: 'chat-stray-output-and-approval', messages: answered([stray]), trigger: 'submit-message', messageId: answer.id })
    expect(refused.status).toBe(400)
    expect(refused.body).toMatch(/^messages\.1\.parts\.\d+: an output for tool call "call_elsewhere" \(get_location, a runtime: 'client' tool\) that its job did not give: .*has no such call/)
    const before = deleted
    const { state } = await app.engine.getJob('user-1', answer.id)
    expect(state.pendingInputs.map(input => input.kind).sort()).toEqual(['tool-approval', 'tool-output'])

    const withOutput = answered([]).map(message => (message.id !== answer.id ? message : { ...message, parts: (message.parts as Array<{ type: string }>).map(part => (part.type === 'tool-get_location' ? { ...part, state: 'output-available', output: 'Oslo' } : part)) }))
    const posted = await postTurn(app.base, { id: 'chat-stray-output-and-approval', messages: withOutput, trigger: 'submit-message', messageId: answer.id })
    expect(posted.status).toBe(200)
    expect(posted.jobId).toBe(answer.id)
    // The whole stream was read: the job ended.
    expect(deleted).toBe(before + 1)
    expect((await app.engine.getJob('user-1', answer.id)).job.status).toBe('completed')
  })
})
