/**
 * Gemini 3 through Google's own OpenAI-compatible endpoint puts each function call's thought
 * signature on the call: `tool_calls[i].extra_content.google.thought_signature`. The next request
 * must carry it back on that call of the assistant message, or Gemini refuses it (HTTP 400
 * "Function call is missing a thought_signature in functionCall parts"). The loop sends it back,
 * also after a takeover (stored with the round's step-end, like OpenRouter's reasoning_details),
 * and viewers never get it.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { JobEvent } from '../../shared/events'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { roundTextStarts } from '../../server/lib/executor/round-text'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import type { FetchLike } from '../../server/lib/model/client'
import type { ChatJobRequest } from '../../server/lib/providers/types'
import { viewedEvent, viewedState } from '../../server/lib/viewed-log'
import { defineTool } from '../../server/utils/define-tool'
import { fakeRunOn, recordingUpstream, sse } from '../support/recording-upstream'

const lookup = defineTool({ name: 'lookup', description: 'Looks a city up', parameters: z.object({ city: z.string() }), execute: async ({ city }) => ({ city, population: 1 }) })
const REQUEST: ChatJobRequest = { type: 'chat', messages: [{ role: 'user', content: 'Paris and Lyon?' }] }

const signed = (signature: string) => ({ google: { thought_signature: signature } })
// Gemini's OpenAI-compatible stream: parallel calls all at index 0, each whole, the first one signed.
const TOOL_ROUND = sse([
  { role: 'assistant', tool_calls: [{ index: 0, id: 'function-call-1', type: 'function', function: { name: 'lookup', arguments: '{"city":"Paris"}' }, extra_content: signed('sig-A') }] },
  { tool_calls: [{ index: 0, id: 'function-call-2', type: 'function', function: { name: 'lookup', arguments: '{"city":"Lyon"}' } }] },
], 'tool_calls')
const ANSWER = sse([{ content: 'Both are in France.' }], 'stop')
const SENT_CALLS = [
  { id: 'function-call-1', type: 'function', function: { name: 'lookup', arguments: '{"city":"Paris"}' }, extra_content: signed('sig-A') },
  { id: 'function-call-2', type: 'function', function: { name: 'lookup', arguments: '{"city":"Lyon"}' } },
]

const upstream = (bodies: string[]) => recordingUpstream(bodies, ANSWER)
const runOn = (fetch: FetchLike) => fakeRunOn(fetch, [lookup], 'https://generativelanguage.test/v1beta/openai', 'key')

describe('Gemini thought signatures on tool calls (extra_content)', () => {
  it('go back on their calls in the next request', async () => {
    const mock = upstream([TOOL_ROUND, ANSWER])
    const fake = runOn(mock.fetch)
    await runChatJob(fake.context, REQUEST)
    expect(mock.messagesOf(1)[1]).toEqual({ role: 'assistant', content: null, tool_calls: SENT_CALLS })
  })

  it('after a takeover: sent back from the stored log; viewers never get them', async () => {
    const mock = upstream([TOOL_ROUND, ANSWER, ANSWER])
    const first = runOn(mock.fetch)
    await runChatJob(first.context, REQUEST)
    const stored: JobEvent[] = first.events.slice(0, first.events.findIndex(event => event.type === 'step-start' && event.step === 2))
    const initial = createJobState({ id: 'job-1', type: 'chat', createdAt: 0, status: 'running' })
    const resumedFrom = reduceEvents(initial, stored)
    const second = runOn(mock.fetch)
    await runChatJob({ ...second.context, resumedFrom, resumedTextStarts: roundTextStarts(initial, stored) }, REQUEST)
    expect(mock.messagesOf(2)[1]).toEqual({ role: 'assistant', content: null, tool_calls: SENT_CALLS })
    expect(JSON.stringify([stored.map(viewedEvent), viewedState(resumedFrom)])).not.toContain('sig-A')
  })
})
