/**
 * Gemini behind OpenRouter names the tool call its thought signature belongs to: the round's
 * `reasoning.encrypted` block has the `id` of the round's first call. When the model sends a call
 * id the job already used (some gateways number ids per round), the loop gives the call a new id
 * (agent-loop.ts, `withUniqueIds`); the block sent back with the call must name that new id, or
 * the signature belongs to no call of the message and Gemini refuses the request ("Function call
 * is missing a thought_signature"). The same holds for the stored blocks a takeover sends back.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { JobEvent } from '../../shared/events'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { roundTextStarts } from '../../server/lib/executor/round-text'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import type { FetchLike } from '../../server/lib/model/client'
import type { ChatJobRequest } from '../../server/lib/providers/types'
import { defineTool } from '../../server/utils/define-tool'
import { fakeRunOn, recordingUpstream, sse } from '../support/recording-upstream'

const lookup = defineTool({ name: 'lookup', description: 'Looks a city up', parameters: z.object({ city: z.string() }), execute: async ({ city }) => ({ city, population: 1 }) })
const REQUEST: ChatJobRequest = { type: 'chat', messages: [{ role: 'user', content: 'Paris, then Lyon' }] }

/** A Gemini tool round through OpenRouter: the signature block names the call's id (the same id every round). */
const geminiRound = (city: string, signature: string) => sse([
  { reasoning: null, reasoning_details: [{ type: 'reasoning.encrypted', data: signature, id: 'tool_lookup', format: 'google-gemini-v1', index: 0 }] },
  { tool_calls: [{ index: 0, id: 'tool_lookup', type: 'function', function: { name: 'lookup', arguments: JSON.stringify({ city }) } }] },
], 'tool_calls')
const ANSWER = sse([{ content: 'Done.' }], 'stop')

const upstream = (bodies: string[]) => recordingUpstream(bodies, ANSWER)
const runOn = (fetch: FetchLike) => fakeRunOn(fetch, [lookup])

/** Each assistant message with calls: the id of its first call and the id its signature block names. */
const pairs = (messages: Array<Record<string, any>>) => messages
  .filter(message => message.role === 'assistant' && message.tool_calls)
  .map(message => ({ call: message.tool_calls[0].id, block: message.reasoning_details?.[0]?.id }))

describe('a repeated tool-call id renamed by the loop', () => {
  it('the Gemini signature block sent back with the call names the call\'s new id', async () => {
    const mock = upstream([geminiRound('Paris', 'sig-1'), geminiRound('Lyon', 'sig-2'), ANSWER])
    const fake = runOn(mock.fetch)
    await runChatJob(fake.context, REQUEST)
    const sent = pairs(mock.messagesOf(2))
    expect(sent).toHaveLength(2)
    // The second round's call was renamed: its id is new in the job.
    expect(sent[1]!.call).not.toBe('tool_lookup')
    expect(sent.map(pair => pair.block)).toEqual(sent.map(pair => pair.call))
    // Only the id changes: the signature is sent back as it came.
    expect(mock.messagesOf(2)[3]!.reasoning_details).toEqual([{ type: 'reasoning.encrypted', data: 'sig-2', id: sent[1]!.call, format: 'google-gemini-v1', index: 0 }])
  })

  it('after a takeover: the stored blocks name the new id too', async () => {
    const mock = upstream([geminiRound('Paris', 'sig-1'), geminiRound('Lyon', 'sig-2'), ANSWER, ANSWER])
    const first = runOn(mock.fetch)
    await runChatJob(first.context, REQUEST)
    // The owner died while its third round streamed (nothing of it stored).
    const stored: JobEvent[] = first.events.slice(0, first.events.findIndex(event => event.type === 'step-start' && event.step === 3))
    const initial = createJobState({ id: 'job-1', type: 'chat', createdAt: 0, status: 'running' })
    const second = runOn(mock.fetch)
    await runChatJob({ ...second.context, resumedFrom: reduceEvents(initial, stored), resumedTextStarts: roundTextStarts(initial, stored) }, REQUEST)
    const sent = pairs(mock.messagesOf(3))
    expect(sent).toHaveLength(2)
    expect(sent.map(pair => pair.block)).toEqual(sent.map(pair => pair.call))
  })
})
