import { describe, expect, it } from 'vitest'
import { runAgentLoop } from '../../server/lib/executor/agent-loop'
import { historyArguments } from '../../server/lib/executor/history-arguments'
import calculate from '../../demo/server/tools/calculate'
import { createFakeRunContext } from '../support/fake-run-context'
import { createStepModel, textStep } from '../support/step-model'

const user = [{ role: 'user' as const, content: 'go' }]

describe('tool call arguments written back into the conversation', () => {
  it('a call cut off by finish_reason length goes back as {} (endpoints answer 400 to it in history); the model reads why', async () => {
    const model = createStepModel([
      [
        { type: 'tool-call', call: { id: 'cut', name: 'calculate', arguments: '{"expression": "1+' } },
        { type: 'tool-call', call: { id: 'list', name: 'calculate', arguments: '[1]' } },
        { type: 'tool-call', call: { id: 'ok', name: 'calculate', arguments: '{"expression":"2+3"}' } },
        { type: 'finish', finishReason: 'length' },
      ],
      textStep('done'),
    ])
    const fake = createFakeRunContext({ model, tools: [calculate] })
    await runAgentLoop(fake.context, { messages: user })
    const [assistant, ...tools] = model.requests[1]!.messages.slice(1)
    expect(assistant!.tool_calls!.map(call => call.function.arguments)).toEqual(['{}', '{}', '{"expression":"2+3"}'])
    expect(JSON.parse(tools[0]!.content!).error).toMatch(/Invalid arguments for tool "calculate": arguments are not valid JSON/)
    expect(JSON.parse(tools[1]!.content!).error).toMatch(/Invalid arguments for tool "calculate"/)
    // The job's events still show what the model sent.
    expect(fake.state().toolCalls[0]!.args).toBe('{"expression": "1+')
  })

  it('keeps a JSON object as sent and turns anything else into {}', () => {
    expect(historyArguments('{ "a": 1 }')).toBe('{ "a": 1 }')
    for (const raw of ['', '  ', 'null', '"text"', '42', '[]', '{"a":', 'not json']) expect(historyArguments(raw)).toBe('{}')
  })
})
