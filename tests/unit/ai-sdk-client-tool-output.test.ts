/**
 * The AI SDK's client-side tool flow against background jobs: `onToolCall` runs in the browser
 * and `addToolOutput` gives the call an output, which the SDK posts for the model to go on with.
 * Here the job runs every call itself: a `runtime: 'client'` tool's call ends as an error result
 * at once and the model answers without it, in the same response. An output the client adds
 * afterwards and posts (`sendMessage()`) reached nothing: the route answered with the settled
 * stream (200, nothing new), so the client showed an output the model never read. It is now a
 * 400 naming the part; outputs the job gave itself still get the settled stream.
 * Real `Chat` from `@ai-sdk/vue`, the stock transport and the real executor.
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

/** To a user message: calls `get_location` (client) and `get_time` (server); after their results: text. */
const model: ModelClient = {
  scripted: false,
  async* stream(request) {
    if (request.messages.at(-1)!.role === 'user') {
      yield { type: 'tool-call', call: { id: 'call_loc', name: 'get_location', arguments: '{}' } }
      yield { type: 'tool-call', call: { id: 'call_time', name: 'get_time', arguments: '{}' } }
      yield { type: 'finish', finishReason: 'tool_calls' }
      return
    }
    yield { type: 'text-delta', text: 'Without your location.' }
    yield { type: 'finish', finishReason: 'stop' }
  },
}

const tools = createToolRegistry([
  // As an AI SDK app declares a browser's tool: no `execute` (before: refused at boot, "`execute` must be a function").
  defineTool({ name: 'get_location', description: 'Where the browser is', parameters: z.object({}), runtime: 'client' }),
  defineTool({ name: 'get_time', description: 'The time', parameters: z.object({}), execute: () => '12:00' }),
])

const app = useServedRoutes({ runners: { chat: runChatJob }, model, tools })

describe('a client-side tool\'s output posted to the chat route', () => {
  it('is a 400 naming the part; the job had ended the call as an error and answered without it', async () => {
    const asked: string[] = []
    const chat: Chat<UIMessage> = new Chat<UIMessage>({
      id: 'chat-client-tool',
      transport: new DefaultChatTransport<UIMessage>({ api: `${app.base}/api/jobs/chat`, body: { tools: ['get_location', 'get_time'] } }),
      onToolCall: ({ toolCall }) => {
        asked.push(toolCall.toolCallId)
        // Given at once, while the response streams: the server's outcome comes after it and wins.
        if (toolCall.toolCallId === 'call_loc') void chat.addToolOutput({ tool: 'get_location', toolCallId: 'call_loc', output: 'Paris' } as never)
      },
    })
    await chat.sendMessage({ text: 'Where am I?' })
    // The SDK calls onToolCall for both calls; the job has run them already.
    expect(asked).toEqual(['call_loc', 'call_time'])
    const answer = chat.lastMessage!
    expect(answer.parts.find(part => part.type === 'tool-get_location')).toMatchObject({ state: 'output-error', errorText: expect.stringContaining('runs in the user\'s browser') })
    expect(answer.parts.find(part => part.type === 'tool-get_time')).toMatchObject({ state: 'output-available', output: '12:00' })

    // The user picks a location later; the app gives it to the call and asks the model to go on.
    await chat.addToolOutput({ tool: 'get_location', toolCallId: 'call_loc', output: 'Berlin' } as never)
    await chat.sendMessage()
    // Before: 200, the settled stream — no error, 'Berlin' shown, never read by the model.
    expect(chat.status).toBe('error')
    expect((chat.error as APICallError).statusCode).toBe(400)
    expect(APICallError.isInstance(chat.error)).toBe(true)
    expect(chat.error!.message).toBe('messages.1.parts.1: an output for tool call "call_loc" (get_location, a runtime: \'client\' tool) that its job did not give: tools run in the background job on the server, which ended this call as error and went on without it; an output sent from the client (addToolOutput) never reaches the model (docs/ai-sdk.md, "Client-side tools")')
  })

  it('outputs the job gave itself still get the settled stream', async () => {
    const chat = new Chat<UIMessage>({ id: 'chat-server-outputs', transport: new DefaultChatTransport<UIMessage>({ api: `${app.base}/api/jobs/chat`, body: { tools: ['get_location', 'get_time'] } }) })
    await chat.sendMessage({ text: 'Where am I?' })
    const posted = await postTurn(app.base, { id: 'chat-server-outputs', messages: chat.messages, trigger: 'submit-message', messageId: chat.lastMessage!.id })
    expect(posted.status).toBe(200)
    expect(posted.jobId).toBe(chat.lastMessage!.id)
    // A message restored from storage whose job is gone (or never was this user's): nothing to compare, settled.
    const restored = { id: 'not-a-job', role: 'assistant', parts: [{ type: 'step-start' }, { type: 'tool-get_time', toolCallId: 'call_time', state: 'output-available', input: {}, output: '12:00' }] }
    expect((await postTurn(app.base, { id: 'chat-server-outputs', messages: [chat.messages[0], restored] })).status).toBe(200)
    // A newest-message-only body names the part `message.parts.N`.
    const edited = { ...chat.lastMessage!, parts: chat.lastMessage!.parts.map(part => (part.type === 'tool-get_location' ? { ...part, state: 'output-available', output: 'Berlin', errorText: undefined } : part)) }
    const refused = await postTurn(app.base, { id: 'chat-server-outputs', message: edited })
    expect(refused.status).toBe(400)
    expect(refused.body).toMatch(/^message\.parts\.1: an output for tool call "call_loc"/)
  })
})
