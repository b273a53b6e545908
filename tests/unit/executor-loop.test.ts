import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { runAgentLoop } from '../../server/lib/executor/agent-loop'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { UpstreamHttpError } from '../../server/lib/model/errors'
import { JobFailure } from '../../server/lib/run-context'
import type { AnyToolDefinition } from '../../server/lib/tools/types'
import { defineTool } from '../../server/utils/define-tool'
import calculate from '../../demo/server/tools/calculate'
import getCurrentTime from '../../demo/server/tools/get-current-time'
import { createFakeRunContext } from '../support/fake-run-context'
import type { ModelStep } from '../support/step-model'
import { createStepModel, textStep, toolStep } from '../support/step-model'

const user = [{ role: 'user' as const, content: 'What is the time, and 2+3?' }]

function setup(steps: ModelStep[], tools: AnyToolDefinition[] = [getCurrentTime, calculate]) {
  const model = createStepModel(steps)
  return { model, ...createFakeRunContext({ model, tools }) }
}

describe('runAgentLoop', () => {
  it('runs two tool rounds in a row, feeding results back, then answers', async () => {
    const { context, model, state, metrics, eventsOf } = setup([
      toolStep([{ id: 'a', name: 'calculate', args: { expression: '2+3' } }], { text: 'Let me compute. ', usage: { prompt: 10, completion: 5, total: 15 } }),
      toolStep([{ id: 'b', name: 'calculate', args: { expression: '5*4' } }], { usage: { prompt: 20, completion: 5, total: 25 } }),
      textStep('It is 20.', { prompt: 30, completion: 3, total: 33 }),
    ])
    const result = await runAgentLoop(context, { messages: user })

    expect(result).toMatchObject({ text: 'It is 20.', steps: 3, finishReason: 'stop' })
    // Each round's text starts a new paragraph.
    expect(state().content).toBe('Let me compute. \n\nIt is 20.')
    expect(state().toolCalls.map(call => [call.id, call.status, call.result])).toEqual([
      ['a', 'completed', { expression: '2+3', result: 5 }],
      ['b', 'completed', { expression: '5*4', result: 20 }],
    ])
    expect(state().steps.map(step => [step.step, step.finishReason, step.ended])).toEqual([[1, 'tool_calls', true], [2, 'tool_calls', true], [3, 'stop', true]])
    expect(eventsOf('step-end')[0]!.usage).toEqual({ prompt: 10, completion: 5, total: 15 })

    // The second request carries the assistant's call and the tool's answer, in the chat-completions shape.
    expect(model.requests[1]!.messages.slice(1)).toEqual([
      { role: 'assistant', content: 'Let me compute. ', tool_calls: [{ id: 'a', type: 'function', function: { name: 'calculate', arguments: '{"expression":"2+3"}' } }] },
      { role: 'tool', tool_call_id: 'a', name: 'calculate', content: '{"expression":"2+3","result":5}' },
    ])
    expect(model.requests[0]!.tools!.map(tool => tool.function.name)).toEqual(['get_current_time', 'calculate'])
    expect(result.messages).toHaveLength(1 + 4 + 1)
    expect(metrics).toMatchObject({ tool_call_count: 2, total_rounds: 3, tokens: { prompt: 60, completion: 13, total: 73 } })
  })

  it('starts each round\'s reasoning and text on a new paragraph, so rounds never run together', async () => {
    const reasoning = (text: string) => ({ type: 'reasoning-delta' as const, text })
    const { context, state } = setup([
      [reasoning('Calling calculate.'), ...toolStep([{ name: 'calculate', args: { expression: '1' } }], { text: 'Checking.' })],
      [reasoning('Every tool has answered.'), ...textStep('It is 1.')],
      [],
    ])
    await runAgentLoop(context, { messages: user })
    expect(state().reasoning).toBe('Calling calculate.\n\nEvery tool has answered.')
    expect(state().content).toBe('Checking.\n\nIt is 1.')
  })

  it('continues the stored text without a paragraph break when the first round is a continuation (takeover, prefill)', async () => {
    const continued = setup([textStep('tinued.')])
    continued.context.text('A text con')
    await runAgentLoop(continued.context, { messages: user, firstStep: 2, continuesText: true })
    expect(continued.state().content).toBe('A text continued.')
    expect(continued.state().steps.map(step => step.step)).toEqual([2])
    const fresh = setup([textStep('Next round.')])
    fresh.context.text('Earlier round.')
    await runAgentLoop(fresh.context, { messages: user })
    expect(fresh.state().content).toBe('Earlier round.\n\nNext round.')
    // Line breaks a round starts with do not stack up with the paragraph break (the first piece may be only those).
    const padded = setup([[{ type: 'text-delta' as const, text: '\n' }, ...textStep('\nPadded round.')]])
    padded.context.text('Earlier round.')
    await runAgentLoop(padded.context, { messages: user })
    expect(padded.state().content).toBe('Earlier round.\n\nPadded round.')
  })

  it('emits events in loop order: step-start, deltas, step-end, tool-call, tool-result', async () => {
    const { context, events } = setup([toolStep([{ name: 'calculate', args: { expression: '1' } }], { text: 'x' }), textStep('done')])
    await runAgentLoop(context, { messages: user })
    expect(events.map(event => event.type)).toEqual([
      'step-start', 'text-delta', 'step-end', 'tool-call', 'tool-result',
      'step-start', 'text-delta', 'step-end',
    ])
    expect(events.map(event => event.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
  })

  it('runs the calls of one step in parallel and answers them in call order', async () => {
    const started: string[] = []
    const releases: Array<() => void> = []
    let bothStarted!: () => void
    const started2 = new Promise<void>((resolve) => { bothStarted = resolve })
    const gate = defineTool({
      name: 'gate',
      description: 'Waits to be released',
      parameters: z.object({ label: z.string() }),
      execute: ({ label }) => new Promise<string>((resolve) => {
        started.push(label)
        releases.push(() => resolve(label))
        if (started.length === 2) bothStarted()
      }),
    })
    const { context, model, state } = setup([
      toolStep([{ id: 'one', name: 'gate', args: { label: 'one' } }, { id: 'two', name: 'gate', args: { label: 'two' } }]),
      textStep('both done'),
    ], [gate])
    const running = runAgentLoop(context, { messages: user })
    await started2
    expect(started).toEqual(['one', 'two'])
    // Both started before either finished: parallel. Finish them out of order.
    releases[1]!()
    releases[0]!()
    await running
    expect(state().toolCalls.map(call => call.status)).toEqual(['completed', 'completed'])
    expect(model.requests[1]!.messages.filter(message => message.role === 'tool').map(message => message.tool_call_id)).toEqual(['one', 'two'])
  })

  it('gives calls without an id (or with a repeated id) a unique one', async () => {
    const { context, state } = setup([
      toolStep([{ id: '', name: 'calculate', args: { expression: '1' } }, { id: 'same', name: 'calculate', args: { expression: '2' } }]),
      toolStep([{ id: 'same', name: 'calculate', args: { expression: '3' } }]),
      textStep('ok'),
    ])
    await runAgentLoop(context, { messages: user })
    const ids = state().toolCalls.map(call => call.id)
    expect(new Set(ids).size).toBe(3)
    expect(ids[0]).toBe('call_1_0')
  })

  it('tags events with the node id and honours a model name and a tool subset', async () => {
    const { context, model, events } = setup([textStep('hi')])
    await runAgentLoop(context, { messages: user, model: 'other/model', toolNames: ['calculate'], nodeId: 'agent' })
    expect(model.requests[0]!.model).toBe('other/model')
    expect(model.requests[0]!.tools!.map(tool => tool.function.name)).toEqual(['calculate'])
    expect(events.every(event => event.nodeId === 'agent')).toBe(true)
  })

  it('sends no tools when none are enabled', async () => {
    const model = createStepModel([textStep('hi')])
    const { context } = createFakeRunContext({ model, tools: [calculate], config: { tools: { enabled: false } } })
    await runAgentLoop(context, { messages: user })
    expect(model.requests[0]!.tools).toBeUndefined()
  })

  it('turns a model error into a job failure during the model, keeping streamed text', async () => {
    const { context, state } = setup([toolStep([{ name: 'calculate', args: { expression: '1' } }], { text: 'partial ' }), new UpstreamHttpError(503, 'busy')])
    const failure = await runAgentLoop(context, { messages: user }).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(JobFailure)
    expect(failure).toMatchObject({ code: 'upstream-http', details: { failedDuring: 'model' } })
    expect(state().content).toBe('partial ')
  })

  it('turns any other model throw into upstream-error', async () => {
    const { context } = setup([new Error('socket hang up')])
    await expect(runAgentLoop(context, { messages: user })).rejects.toMatchObject({ code: 'upstream-error', message: /socket hang up/, details: { failedDuring: 'model' } })
  })
})

describe('runChatJob', () => {
  it('runs the request through the loop with only its tool names', async () => {
    const { context, model, state } = setup([toolStep([{ name: 'calculate', args: { expression: '6*7' } }]), textStep('42')])
    await runChatJob(context, { type: 'chat', messages: user, tools: ['calculate', 'not_registered'] })
    expect(model.requests[0]!.tools!.map(tool => tool.function.name)).toEqual(['calculate'])
    expect(model.requests[0]!.model).toBe('test/model')
    expect(state().content).toBe('42')
  })
})
