/**
 * DeepSeek's (V3.2, deepseek-reasoner) and Kimi K2's thinking modes stream `reasoning_content` with
 * their tool calls and require it back on that round's assistant message in the next request. The
 * real client against the mock upstream: the loop sends it back, also when another instance
 * continues the job from its stored log after a takeover; an endpoint that sent its reasoning under
 * another name (OpenRouter's `reasoning`) never gets a field it did not send.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { JobEvent } from '../../shared/events'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { roundTextStarts } from '../../server/lib/executor/round-text'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createModelClient } from '../../server/lib/model/client'
import { createChatCompletionParser } from '../../server/lib/model/parse-stream'
import type { ChatJobRequest } from '../../server/lib/providers/types'
import { defineTool } from '../../server/utils/define-tool'
import { TEST_CLIENT_OPTIONS } from '../support/collect-stream'
import { createFakeRunContext } from '../support/fake-run-context'
import { startMockUpstream } from '../support/mock-upstream'
import type { MockStreamTurn, MockUpstream } from '../support/mock-upstream'

const lookup = defineTool({ name: 'lookup', description: 'Looks a city up', parameters: z.object({ city: z.string() }), execute: async ({ city }) => ({ city, population: 2_100_000 }) })
const REQUEST: ChatJobRequest = { type: 'chat', messages: [{ role: 'user', content: 'How many people live in Paris?' }] }
const TOOL_ROUND: MockStreamTurn = {
  reasoning: ['The user asks for a population.', ' I should look Paris up.'],
  chunks: ['Let me check.'],
  toolCalls: [{ id: 'call_1', name: 'lookup', arguments: '{"city":"Paris"}' }],
  delayMs: 0,
}
const ANSWER: MockStreamTurn = { reasoning: ['Now I know.'], chunks: ['About 2.1 million.'], delayMs: 0 }

let mock: MockUpstream | undefined
afterEach(async () => {
  await mock?.close()
  mock = undefined
})

function runOn(upstream: MockUpstream) {
  const model = createModelClient({ ...TEST_CLIENT_OPTIONS, baseUrl: upstream.url, apiKey: 'sk-mock' })
  return createFakeRunContext({ model, tools: [lookup] })
}

type SentMessage = Record<string, unknown>
const messagesOf = (index: number) => mock!.requests[index]!.body!.messages as SentMessage[]

describe('reasoning sent back in tool rounds', () => {
  it('reasoning_content (DeepSeek, Kimi): the next request\'s assistant message carries the round\'s reasoning', async () => {
    mock = await startMockUpstream([{ ...TOOL_ROUND, reasoningField: 'reasoning_content' }, { ...ANSWER, reasoningField: 'reasoning_content' }])
    const fake = runOn(mock)
    await runChatJob(fake.context, REQUEST)
    expect(fake.state().content).toBe('Let me check.\n\nAbout 2.1 million.')
    expect(messagesOf(1)[1]).toEqual({
      role: 'assistant',
      content: 'Let me check.',
      reasoning_content: 'The user asks for a population. I should look Paris up.',
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"city":"Paris"}' } }],
    })
  })

  it('OpenRouter\'s reasoning: nothing the endpoint did not send goes back', async () => {
    mock = await startMockUpstream([TOOL_ROUND, ANSWER])
    const fake = runOn(mock)
    await runChatJob(fake.context, REQUEST)
    expect(fake.state().reasoning).toBe('The user asks for a population. I should look Paris up.\n\nNow I know.')
    const assistant = messagesOf(1)[1]!
    expect(assistant.tool_calls).toHaveLength(1)
    expect(assistant).not.toHaveProperty('reasoning_content')
    expect(assistant).not.toHaveProperty('reasoning')
  })

  it('after a takeover: the instance that continues the job rebuilds it from the stored log', async () => {
    mock = await startMockUpstream([{ ...TOOL_ROUND, reasoningField: 'reasoning_content' }, { ...ANSWER, reasoningField: 'reasoning_content' }])
    const first = runOn(mock)
    await runChatJob(first.context, REQUEST)
    // The owner died once the tool answered, while its second round streamed (nothing of it stored).
    const stored: JobEvent[] = first.events.slice(0, first.events.findIndex(event => event.type === 'step-start' && event.step === 2))
    const initial = createJobState({ id: 'job-1', type: 'chat', createdAt: 0, status: 'running' })
    const resumedFrom = reduceEvents(initial, stored)

    const second = runOn(mock)
    await runChatJob({ ...second.context, resumedFrom, resumedTextStarts: roundTextStarts(initial, stored) }, REQUEST)
    expect(messagesOf(2)[1]).toEqual(messagesOf(1)[1])
    expect(messagesOf(2)[1]).toMatchObject({ reasoning_content: 'The user asks for a population. I should look Paris up.' })
  })

  it('the parser says so at the finish only when the endpoint sent reasoning_content (vLLM may send both names)', () => {
    const finishOf = (delta: Record<string, unknown>) => {
      const parser = createChatCompletionParser()
      const body = `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: 'stop' }] })}\n\n`
      return [...parser.feed(new TextEncoder().encode(body)), ...parser.end()].find(event => event.type === 'finish')
    }
    expect(finishOf({ reasoning_content: 'Hm.' })).toEqual({ type: 'finish', finishReason: 'stop', reasoningField: 'reasoning_content' })
    expect(finishOf({ reasoning: 'Hm.', reasoning_content: 'Hm.' })).toEqual({ type: 'finish', finishReason: 'stop', reasoningField: 'reasoning_content' })
    expect(finishOf({ reasoning: 'Hm.' })).toEqual({ type: 'finish', finishReason: 'stop' })
    expect(finishOf({ content: 'Hi', reasoning_content: '' })).toEqual({ type: 'finish', finishReason: 'stop' })
  })
})
