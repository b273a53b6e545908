/**
 * docs/ai-sdk.md, "Callbacks and errors": a model that keeps calling tools fails its job at
 * `limits.maxSteps`, which an AI SDK app sees as an error (`onError`, `chat.error`, status `error`),
 * not as the normal `finish { finishReason: 'tool-calls' }` of an AI SDK route's `stopWhen`; the
 * earlier rounds' tool parts stay, the last round's calls never run. The SDK's `Chat`, the real executor.
 */
import { DefaultChatTransport } from 'ai'
import type { UIMessage } from 'ai'
import { Chat } from '@ai-sdk/vue'
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import type { ModelClient } from '../../server/lib/model/types'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

let rounds = 0
let runs = 0
/** A model that asks for the time in every round, never answering. */
const model: ModelClient = {
  scripted: false,
  async* stream() {
    rounds++
    yield { type: 'tool-call', call: { id: `call_${rounds}`, name: 'get_time', arguments: `{"round":${rounds}}` } }
    yield { type: 'finish', finishReason: 'tool_calls' }
  },
}
const tools = createToolRegistry([defineTool({ name: 'get_time', description: 'The time', parameters: z.object({ round: z.number() }), execute: () => ({ iso: `now ${++runs}` }) })])
const app = useServedRoutes({ runners: { chat: runChatJob }, model, tools, config: { limits: { maxSteps: 3 } } })

describe('an answer past limits.maxSteps, read by the SDK', () => {
  it('ends in error with the limit named; the rounds before keep their tool parts', async () => {
    const calls: string[] = []
    const chat = new Chat<UIMessage>({
      id: 'max-steps',
      transport: new DefaultChatTransport({ api: `${app.base}/api/jobs/chat` }),
      onError: error => calls.push(`error ${error.message}`),
      onFinish: ({ finishReason, isError }) => calls.push(`finish ${finishReason ?? '-'}${isError ? ' error' : ''}`),
    })
    await chat.sendMessage({ text: 'What time is it?' })
    expect(calls).toEqual(['error The model was still calling tools after 3 steps (limits.maxSteps); the answer is incomplete', 'finish - error'])
    expect(chat.status).toBe('error')
    expect(rounds).toBe(3)
    expect(runs).toBe(2)
    const toolParts = chat.lastMessage!.parts.filter(part => part.type === 'tool-get_time')
    expect(toolParts.map(part => (part as { state: string }).state)).toEqual(['output-available', 'output-available'])
  })
})
