import { describe, expect, it } from 'vitest'
import { runAgentLoop } from '../../server/lib/executor/agent-loop'
import { continuationMessages } from '../../server/lib/executor/continuation'
import { historyToolName } from '../../server/lib/executor/history-tool-name'
import calculate from '../../demo/server/tools/calculate'
import { createFakeRunContext } from '../support/fake-run-context'
import { createStepModel, textStep } from '../support/step-model'

const user = [{ role: 'user' as const, content: 'go' }]
/** What chat-completions endpoints accept as a function name, in tools and in history (OpenAI: 400 otherwise). */
const ENDPOINT_NAME = /^[\w-]{1,64}$/

describe('tool names written back into the conversation', () => {
  it('a name the model made up that endpoints refuse (a dot, a space, over 64 characters) goes back in their pattern; the model reads what it sent', async () => {
    const long = `lookup_${'x'.repeat(80)}`
    const model = createStepModel([
      [
        { type: 'tool-call', call: { id: 'a', name: 'functions.calculate', arguments: '{"expression":"1+1"}' } },
        { type: 'tool-call', call: { id: 'b', name: 'get weather', arguments: '{}' } },
        { type: 'tool-call', call: { id: 'c', name: long, arguments: '{}' } },
        { type: 'tool-call', call: { id: 'd', name: 'calculate', arguments: '{"expression":"2+3"}' } },
        { type: 'finish', finishReason: 'tool_calls' },
      ],
      textStep('done'),
    ])
    const fake = createFakeRunContext({ model, tools: [calculate] })
    const result = await runAgentLoop(fake.context, { messages: user })
    expect(result.text).toBe('done')
    const [assistant, ...tools] = model.requests[1]!.messages.slice(1)
    const names = [...assistant!.tool_calls!.map(call => call.function.name), ...tools.map(tool => tool.name!)]
    for (const name of names) expect(name).toMatch(ENDPOINT_NAME)
    // A registered name is sent as it is.
    expect(assistant!.tool_calls![3]!.function.name).toBe('calculate')
    expect(tools[3]!.name).toBe('calculate')
    // The tool message says what the model sent, so it can correct the call.
    expect(JSON.parse(tools[0]!.content!).error).toBe('Model tried to call unavailable tool "functions.calculate". Available tools: calculate.')
    // The job's events keep the name as sent.
    expect(fake.state().toolCalls.map(call => call.name)).toEqual(['functions.calculate', 'get weather', long, 'calculate'])
  })

  it('a job continued after a takeover sends stored made-up names the same way', () => {
    const messages = continuationMessages({ messages: user } as never, {
      content: '',
      reasoning: '',
      steps: [],
      toolCalls: [{ id: 'a', name: 'functions.calculate', args: {}, step: 1, status: 'error', error: 'unavailable', durationMs: 0 }],
    } as never, 50_000)
    expect(messages[1]!.tool_calls![0]!.function.name).toMatch(ENDPOINT_NAME)
    expect(messages[2]!.name).toMatch(ENDPOINT_NAME)
  })

  it('keeps a valid name and maps anything else into the pattern', () => {
    expect(historyToolName('get_current-time2')).toBe('get_current-time2')
    for (const raw of ['functions.get_weather', 'a b', 'ä', '<|channel|>', 'x'.repeat(65)]) expect(historyToolName(raw)).toMatch(ENDPOINT_NAME)
  })
})
