/**
 * Tool arguments holding half of a surrogate pair — an unpaired `\ud83d` escape in the model's
 * JSON, or an unpaired code unit in the text itself — are kept as well-formed text (`�` for the
 * lone half), as for tool results (tool-result-well-formed.test.ts). Held as they were, they went
 * to AI SDK clients as the tool part's input; the SDK posts every part back with each later turn,
 * and the chat route refuses a body holding a lone surrogate, so the chat could not go on.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { runAgentLoop } from '../../server/lib/executor/agent-loop'
import { illFormedTextIn } from '../../server/lib/http/well-formed-text'
import { defineTool } from '../../server/utils/define-tool'
import { createFakeRunContext } from '../support/fake-run-context'
import { createStepModel, textStep } from '../support/step-model'

async function callWith(args: string) {
  const received: unknown[] = []
  const tool = defineTool({ name: 'search', description: 'Searches', parameters: z.object({ q: z.string() }), execute: ({ q }) => received.push(q) && 'found' })
  const model = createStepModel([
    [{ type: 'tool-call', call: { id: 'c1', name: 'search', arguments: args } }, { type: 'finish', finishReason: 'tool_calls' }],
    textStep('done'),
  ])
  const fake = createFakeRunContext({ model, tools: [tool] })
  await runAgentLoop(fake.context, { messages: [{ role: 'user', content: 'go' }] })
  return { input: fake.state().toolCalls[0]!.args, received }
}

/** What the SDK posts on the next turn: the tool part with the input the stream gave it. */
function postedBack(input: unknown) {
  const body = { id: 'chat', messages: [
    { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'look it up' }] },
    { id: 'job', role: 'assistant', parts: [{ type: 'tool-search', toolCallId: 'c1', state: 'output-available', input, output: 'found' }] },
    { id: 'u2', role: 'user', parts: [{ type: 'text', text: 'thanks' }] },
  ] }
  const json = JSON.stringify(body)
  return illFormedTextIn(json, JSON.parse(json))
}

describe('tool arguments with a lone surrogate', () => {
  it.each([
    ['an unpaired escape in the JSON', '{"q":"Nice \\ud83d"}'],
    ['an unpaired code unit in the text', '{"q":"Nice \ud83d"}'],
    ['an unpaired escape in capitals', '{"q":"Nice \\uD83D"}'],
  ])('%s: the event and the tool get �, so the chat body the AI SDK posts back with it is taken', async (_label, args) => {
    const { input, received } = await callWith(args)
    expect(input).toEqual({ q: 'Nice \uFFFD' })
    expect(received).toEqual(['Nice \uFFFD'])
    expect(postedBack(input)).toBeNull()
  })

  it('arguments that are not JSON are kept as well-formed text too', async () => {
    const { input } = await callWith('{"q":"Nice \ud83d')
    expect(input).toBe('{"q":"Nice \uFFFD')
    expect(postedBack(input)).toBeNull()
  })

  it('escaped pairs, emoji and the text of an escape are kept as they are', async () => {
    const { input } = await callWith('{"q":"\\ud83d\\ude00 \\uD83D\\uDE00 😀 \\\\ud83d"}')
    expect(input).toEqual({ q: '😀 😀 😀 \\ud83d' })
  })
})
