/**
 * OpenRouter's thinking models with tools (Anthropic's thinking, Gemini's thought signatures)
 * stream `reasoning_details`: opaque blocks, in fragments joined by their `index` (a text block's
 * `signature` comes last, an encrypted block alone on a delta without reasoning text). OpenRouter
 * wants them back, as they were, on the assistant message of the tool round in the next request;
 * without them the provider refuses the request or the model loses its thread. The loop sends
 * them back, also when another instance continues the job from its stored log after a takeover,
 * and drops blocks too big to keep (`REASONING_DETAILS_MAX_BYTES`).
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { JobEvent } from '../../shared/events'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { roundTextStarts } from '../../server/lib/executor/round-text'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import type { FetchLike } from '../../server/lib/model/client'
import { createReasoningDetailsJoiner, REASONING_DETAILS_MAX_BYTES } from '../../server/lib/model/reasoning-details'
import type { ChatJobRequest } from '../../server/lib/providers/types'
import { defineTool } from '../../server/utils/define-tool'
import { fakeRunOn, recordingUpstream, sse } from '../support/recording-upstream'

const lookup = defineTool({ name: 'lookup', description: 'Looks a city up', parameters: z.object({ city: z.string() }), execute: async ({ city }) => ({ city, population: 2_100_000 }) })
const REQUEST: ChatJobRequest = { type: 'chat', messages: [{ role: 'user', content: 'How many people live in Paris?' }] }

const ANTHROPIC = 'anthropic-claude-v1'
const GEMINI = 'google-gemini-v1'

/** A tool round as OpenRouter streams it from a thinking model; `encrypted` is the Gemini-style block's data. */
function toolRound(encrypted = 'enc-gemini-1') {
  return sse([
    { reasoning: null, reasoning_details: [{ type: 'reasoning.text', text: '', signature: '', format: ANTHROPIC, index: 0 }] },
    { reasoning: 'The user asks', reasoning_details: [{ type: 'reasoning.text', text: 'The user asks', format: ANTHROPIC, index: 0 }] },
    { reasoning: ' for Paris.', reasoning_details: [{ type: 'reasoning.text', text: ' for Paris.', format: ANTHROPIC, index: 0 }] },
    { reasoning: null, reasoning_details: [{ type: 'reasoning.text', signature: 'sig-abc', format: ANTHROPIC, index: 0 }] },
    { reasoning: null, reasoning_details: [{ type: 'reasoning.encrypted', data: encrypted, id: 'call_1', format: GEMINI, index: 1 }] },
    { content: 'Let me check.' },
    { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"city":' } }] },
    { tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] },
  ], 'tool_calls')
}
const ANSWER = sse([{ content: 'About 2.1 million.' }], 'stop')

const upstream = (bodies: string[]) => recordingUpstream(bodies, ANSWER)
const runOn = (fetch: FetchLike) => fakeRunOn(fetch, [lookup])

const JOINED = [
  { type: 'reasoning.text', text: 'The user asks for Paris.', signature: 'sig-abc', format: ANTHROPIC, index: 0 },
  { type: 'reasoning.encrypted', data: 'enc-gemini-1', id: 'call_1', format: GEMINI, index: 1 },
]

describe('OpenRouter reasoning_details sent back in tool rounds', () => {
  it('the next request\'s assistant message carries the round\'s blocks, joined from their fragments', async () => {
    const mock = upstream([toolRound(), ANSWER])
    const fake = runOn(mock.fetch)
    await runChatJob(fake.context, REQUEST)
    expect(fake.state().content).toBe('Let me check.\n\nAbout 2.1 million.')
    expect(mock.messagesOf(1)[1]).toEqual({
      role: 'assistant',
      content: 'Let me check.',
      reasoning_details: JOINED,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"city":"Paris"}' } }],
    })
  })

  it('after a takeover: the instance that continues the job sends them back from the stored log', async () => {
    const mock = upstream([toolRound(), ANSWER, ANSWER])
    const first = runOn(mock.fetch)
    await runChatJob(first.context, REQUEST)
    // The owner died once the tool answered, while its second round streamed (nothing of it stored).
    const stored: JobEvent[] = first.events.slice(0, first.events.findIndex(event => event.type === 'step-start' && event.step === 2))
    const initial = createJobState({ id: 'job-1', type: 'chat', createdAt: 0, status: 'running' })
    const resumedFrom = reduceEvents(initial, stored)

    const second = runOn(mock.fetch)
    await runChatJob({ ...second.context, resumedFrom, resumedTextStarts: roundTextStarts(initial, stored) }, REQUEST)
    expect(mock.messagesOf(2)[1]).toEqual(mock.messagesOf(1)[1])
    expect(mock.messagesOf(2)[1]).toMatchObject({ reasoning_details: JOINED })
  })

  it('blocks larger than REASONING_DETAILS_MAX_BYTES (UTF-8) are neither stored nor sent back', async () => {
    // Two bytes a character: under the bound in UTF-16 code units, over it in UTF-8.
    const mock = upstream([toolRound('é'.repeat(REASONING_DETAILS_MAX_BYTES / 2 + 1)), ANSWER])
    const fake = runOn(mock.fetch)
    await runChatJob(fake.context, REQUEST)
    const assistant = mock.messagesOf(1)[1]!
    expect(assistant.tool_calls).toHaveLength(1)
    expect(assistant).not.toHaveProperty('reasoning_details')
    expect(fake.events.find(event => event.type === 'step-end' && event.step === 1)).not.toHaveProperty('reasoningDetails')
  })

  it('a round without them sends none back', async () => {
    const mock = upstream([sse([{ reasoning: 'Hm.' }, { tool_calls: [{ index: 0, id: 'call_1', function: { name: 'lookup', arguments: '{"city":"Paris"}' } }] }], 'tool_calls'), ANSWER])
    const fake = runOn(mock.fetch)
    await runChatJob(fake.context, REQUEST)
    expect(mock.messagesOf(1)[1]).not.toHaveProperty('reasoning_details')
  })

  it('the joiner: blocks by index and type, a fragment without an index goes on with the latest, the bound in UTF-8 bytes', () => {
    const joiner = createReasoningDetailsJoiner()
    joiner.add([{ type: 'reasoning.text', text: 'A', index: 0 }, { type: 'reasoning.encrypted', data: 'x', index: 0 }])
    joiner.add([{ type: 'reasoning.text', text: 'B', signature: 's', index: 0 }, 'not a block', { text: 'no type' }])
    joiner.add([{ type: 'reasoning.summary', summary: 'S1' }])
    joiner.add([{ type: 'reasoning.summary', summary: 'S2' }])
    expect(joiner.blocks()).toEqual([
      { type: 'reasoning.text', text: 'AB', signature: 's', index: 0 },
      { type: 'reasoning.encrypted', data: 'x', index: 0 },
      { type: 'reasoning.summary', summary: 'S1S2' },
    ])
    const fits = createReasoningDetailsJoiner()
    fits.add([{ type: 'reasoning.encrypted', data: 'é'.repeat(REASONING_DETAILS_MAX_BYTES / 2 - 100), index: 0 }])
    expect(fits.blocks()).toHaveLength(1)
    const over = createReasoningDetailsJoiner()
    over.add([{ type: 'reasoning.encrypted', data: 'é'.repeat(REASONING_DETAILS_MAX_BYTES / 4), index: 0 }])
    over.add([{ type: 'reasoning.encrypted', data: 'é'.repeat(REASONING_DETAILS_MAX_BYTES / 4 + 1), index: 0 }])
    expect(over.blocks()).toBeUndefined()
  })
})
