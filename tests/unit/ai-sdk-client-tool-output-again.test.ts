/**
 * A client tool's output posted again while its job runs on with it (the first post's response was
 * lost, or another tab or the plain input route gave it first): the call is no longer waiting, so
 * nothing is answered, but the settled stream would close the message on a job still answering —
 * the client would miss the rest of the answer. Such a post gets the job's stream from just before
 * the output's answer (as approvals answered already do), so it shows what followed.
 * Real `Chat` from `@ai-sdk/vue`, the stock transport and the real executor.
 */
import { DefaultChatTransport } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { z } from 'zod'
import { describe, expect, it, vi } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import type { ModelClient } from '../../server/lib/model/types'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

let openGate: () => void = () => {}
let gate = Promise.resolve()

/** To a user message: calls `get_location`; after its result, once the gate opens: what it said. */
const model: ModelClient = {
  scripted: false,
  async* stream(request) {
    if (request.messages.at(-1)!.role === 'user') {
      yield { type: 'tool-call', call: { id: 'call_loc', name: 'get_location', arguments: '{}' } }
      yield { type: 'finish', finishReason: 'tool_calls' }
      return
    }
    await gate
    yield { type: 'text-delta', text: `Done with ${request.messages.find(message => message.role === 'tool')!.content}` }
    yield { type: 'finish', finishReason: 'stop' }
  },
}

const tools = createToolRegistry([defineTool({ name: 'get_location', description: 'Where the browser is', parameters: z.object({}), runtime: 'client' })])
const app = useServedRoutes({ runners: { chat: runChatJob }, model, tools })

describe('a client tool\'s output posted again while its job runs on with it', () => {
  it('gets the job\'s stream from before the output\'s answer, not the settled stream', async () => {
    gate = new Promise<void>(resolve => (openGate = resolve))
    const chat = new Chat<UIMessage>({ id: 'chat-output-again', transport: new DefaultChatTransport<UIMessage>({ api: `${app.base}/api/jobs/chat`, body: { tools: ['get_location'] } }) })
    await chat.sendMessage({ text: 'Where am I?' })
    const jobId = chat.lastMessage!.id
    const { state } = await app.engine.getJob('user-1', jobId)
    // The first answer is taken (its response lost); the job runs on, its next round held by the gate.
    await app.engine.answerInput('user-1', jobId, { requestId: state.pendingInputs[0]!.requestId, answer: { output: 'Berlin' } })
    await chat.addToolOutput({ tool: 'get_location', toolCallId: 'call_loc', output: 'Berlin' } as never)
    const response = await fetch(`${app.base}/api/jobs/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'chat-output-again', messages: chat.messages, trigger: 'submit-message', messageId: jobId }) })
    expect(response.status).toBe(200)
    openGate()
    const chunks = (await response.text()).split('\n').filter(line => line.startsWith('data: {')).map(line => JSON.parse(line.slice('data: '.length)) as { type: string, delta?: string, output?: unknown, finishReason?: string })
    // Before: the settled stream — start-step, start, finish-step, finish 'stop' — and nothing of the answer.
    expect(chunks.find(chunk => chunk.type === 'tool-output-available')).toMatchObject({ output: 'Berlin' })
    expect(chunks.filter(chunk => chunk.type === 'text-delta').map(chunk => chunk.delta).join('')).toBe('Done with "Berlin"')
    expect(chunks.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' })
  })
})
