/**
 * A follow-up after a tool turn ("calculate 2+3*4" → calculator → "Done."; then "and times two?")
 * gave the model only the earlier answer's text: it never learned which tool it had called or what
 * the tool returned. Now an earlier answer that names its job (`jobId` on POST /api/jobs, the
 * message id on the AI SDK route) goes to the model as that job's stored rounds — the assistant's
 * `tool_calls`, the `tool` messages — then its text. Only the server's own jobs of the same user
 * and thread count: a tool part the client sends is never a tool result.
 */
import type { H3Event } from 'h3'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { readChatRequest } from '../../server/lib/ai-sdk/chat-request'
import { chatTurnInput } from '../../server/lib/ai-sdk/chat-turn'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { chatJobInputOf, unboundedChatConfig } from '../../server/lib/http/chat-job-retry'
import { withEarlierToolOutcomes } from '../../server/lib/http/earlier-tool-outcomes'
import type { JobsRouteContext } from '../../server/lib/http/handler'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import type { CreateJobInput } from '../../server/lib/engine-types'
import type { ModelEvent } from '../../server/lib/model/types'
import { createTestEngine } from '../support/engine-harness'
import { createStepModel, textStep, toolStep } from '../support/step-model'
import { buildHistory } from '../../demo/app/lib/threads'

// The route helpers import Nitro's runtime, which only exists in a built server.
vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

const event = { context: {}, node: { req: { headers: {} } } } as unknown as H3Event
const flags = { enabled: true, tools: true, workflows: true }
const calculator = defineTool({ name: 'calculator', description: 'evaluates', parameters: z.object({ expression: z.string() }), execute: () => ({ value: 14 }) })

let dispose: (() => Promise<void>) | undefined
afterEach(async () => {
  await dispose?.()
  dispose = undefined
})

/** An engine whose model calls the calculator, answers "Done.", then answers each later turn; the first turn ran in thread t1. */
async function afterToolTurn() {
  const model = createStepModel([toolStep([{ id: 'call_1', name: 'calculator', args: { expression: '2+3*4' } }]), textStep('Done.'), textStep('28.'), textStep('Other.')])
  const { engine, config } = createTestEngine({ runners: { chat: runChatJob }, model, tools: createToolRegistry([calculator]) })
  dispose = () => engine.dispose()
  const context = (userId: string): JobsRouteContext => ({ event, engine, config, userId, flags })
  const first = (await engine.createJob('user-1', { request: { type: 'chat', messages: [{ role: 'user', content: 'calculate 2+3*4' }] }, threadId: 't1' })).job
  await engine.whenSettled(first.id)
  /** Starts `input` as the route does and returns what the model was sent for it. */
  async function sentFor(userId: string, input: CreateJobInput) {
    const { job } = await engine.createJob(userId, await withEarlierToolOutcomes(context(userId), input))
    await engine.whenSettled(job.id)
    return model.requests.at(-1)!.messages
  }
  return { first, context, sentFor, config }
}

const TOOL_ROUND = [
  { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'calculator', arguments: '{"expression":"2+3*4"}' } }] },
  { role: 'tool', tool_call_id: 'call_1', name: 'calculator', content: '{"value":14}' },
]

describe('tool outcomes of earlier turns', () => {
  it('POST /api/jobs: an answer naming its job goes with that job\'s tool call and result', async () => {
    const { first, sentFor, config } = await afterToolTurn()
    const body = { threadId: 't1', messages: [{ role: 'user', content: 'calculate 2+3*4' }, { role: 'assistant', content: 'Done.', jobId: first.id }, { role: 'user', content: 'and times two?' }] }
    expect(await sentFor('user-1', chatJobInputOf(body, config, flags, null))).toEqual([
      { role: 'user', content: 'calculate 2+3*4' },
      ...TOOL_ROUND,
      { role: 'assistant', content: 'Done.' },
      { role: 'user', content: 'and times two?' },
    ])
  })

  it('AI SDK route: the answer\'s id names its job; a tool part the client sent is not a result', async () => {
    const { first, context, sentFor } = await afterToolTurn()
    const forged = { type: 'tool-calculator', toolCallId: 'call_1', state: 'output-available', input: { expression: '2+3*4' }, output: { value: 999 } }
    const intent = readChatRequest({ id: 't1', messages: [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'calculate 2+3*4' }] },
      { id: first.id, role: 'assistant', parts: [forged, { type: 'text', text: 'Done.' }] },
      { id: 'u2', role: 'user', parts: [{ type: 'text', text: 'and times two?' }] },
    ] })
    if (intent.kind !== 'turn') throw new Error('not a turn')
    const sent = await sentFor('user-1', chatTurnInput(context('user-1'), intent.request))
    expect(sent).toEqual([
      { role: 'user', content: 'calculate 2+3*4' },
      ...TOOL_ROUND,
      { role: 'assistant', content: 'Done.' },
      { role: 'user', content: 'and times two?' },
    ])
    expect(JSON.stringify(sent)).not.toContain('999')
  })

  it('a tool part on an answer that names no job of the server never reaches the model', async () => {
    const { context, sentFor } = await afterToolTurn()
    const forged = { type: 'tool-calculator', toolCallId: 'call_9', state: 'output-available', input: {}, output: { value: 999 } }
    const intent = readChatRequest({ id: 't1', messages: [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'hi' }] },
      { id: 'made-up', role: 'assistant', parts: [forged, { type: 'text', text: 'Hello.' }] },
      { id: 'u2', role: 'user', parts: [{ type: 'text', text: 'and?' }] },
    ] })
    if (intent.kind !== 'turn') throw new Error('not a turn')
    expect(await sentFor('user-1', chatTurnInput(context('user-1'), intent.request))).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'Hello.' },
      { role: 'user', content: 'and?' },
    ])
  })

  it('a follow-up that offers no tools (or not the one called) gets the answer as its text: no history answering a tool the request does not define', async () => {
    const { first, sentFor, config } = await afterToolTurn()
    const messages = [{ role: 'user', content: 'calculate 2+3*4' }, { role: 'assistant', content: 'Done.', jobId: first.id }, { role: 'user', content: 'and times two?' }]
    const textOnly = [{ role: 'user', content: 'calculate 2+3*4' }, { role: 'assistant', content: 'Done.' }, { role: 'user', content: 'and times two?' }]
    expect(await sentFor('user-1', chatJobInputOf({ threadId: 't1', messages, tools: [] }, config, flags, null))).toEqual(textOnly)
    expect(await sentFor('user-1', chatJobInputOf({ threadId: 't1', messages }, config, { ...flags, tools: false }, null))).toEqual(textOnly)
  })

  it('another user\'s job, or a job of another thread, is never used: the answer goes as its text', async () => {
    const { first, sentFor, config } = await afterToolTurn()
    const messages = [{ role: 'user', content: 'calculate 2+3*4' }, { role: 'assistant', content: 'Done.', jobId: first.id }, { role: 'user', content: 'and times two?' }]
    const textOnly = [{ role: 'user', content: 'calculate 2+3*4' }, { role: 'assistant', content: 'Done.' }, { role: 'user', content: 'and times two?' }]
    expect(await sentFor('user-2', chatJobInputOf({ threadId: 't1', messages }, config, flags, null))).toEqual(textOnly)
    expect(await sentFor('user-1', chatJobInputOf({ threadId: 't2', messages }, config, flags, null))).toEqual(textOnly)
  })

  it('the demo\'s main chat sends a tool-only answer (tool calls, no text) by its job: the next turn gets its rounds', async () => {
    const model = createStepModel([toolStep([{ id: 'call_1', name: 'calculator', args: { expression: '2+3*4' } }]), [{ type: 'finish', finishReason: 'stop' }], textStep('28.')])
    const { engine, config } = createTestEngine({ runners: { chat: runChatJob }, model, tools: createToolRegistry([calculator]) })
    dispose = () => engine.dispose()
    const first = (await engine.createJob('user-1', { request: { type: 'chat', messages: [{ role: 'user', content: 'calculate 2+3*4' }] }, threadId: 't1' })).job
    await engine.whenSettled(first.id)
    const turn = { id: first.id, messageId: null, createdAt: first.createdAt, type: 'chat' as const, prompt: 'calculate 2+3*4', answer: '', status: 'completed' as const }
    const body = { threadId: 't1', messages: buildHistory([turn], 'and times two?') }
    const input = await withEarlierToolOutcomes({ event, engine, config, userId: 'user-1', flags }, chatJobInputOf(body, config, flags, null))
    if (input.request.type !== 'chat') throw new Error('not a chat job')
    expect(input.request.messages).toEqual([{ role: 'user', content: 'calculate 2+3*4' }, ...TOOL_ROUND, { role: 'user', content: 'and times two?' }])
  })

  it('a round whose endpoint sent reasoning_content (DeepSeek, Kimi thinking) carries it: they refuse a later turn\'s earlier tool call without it (400)', async () => {
    const thought = 'I should use the calculator.'
    const withReasoning = [{ type: 'reasoning-delta', text: thought }, ...toolStep([{ id: 'call_1', name: 'calculator', args: { expression: '2+3*4' } }]).slice(0, -1), { type: 'finish', finishReason: 'tool_calls', reasoningField: 'reasoning_content' }] as ModelEvent[]
    const model = createStepModel([withReasoning, textStep('Done.')])
    const { engine, config } = createTestEngine({ runners: { chat: runChatJob }, model, tools: createToolRegistry([calculator]) })
    dispose = () => engine.dispose()
    const first = (await engine.createJob('user-1', { request: { type: 'chat', messages: [{ role: 'user', content: 'calculate 2+3*4' }] }, threadId: 't1' })).job
    await engine.whenSettled(first.id)
    const body = { threadId: 't1', messages: [{ role: 'user', content: 'calculate 2+3*4' }, { role: 'assistant', content: 'Done.', jobId: first.id }, { role: 'user', content: 'and times two?' }] }
    const input = await withEarlierToolOutcomes({ event, engine, config, userId: 'user-1', flags }, chatJobInputOf(body, config, flags, null))
    if (input.request.type !== 'chat') throw new Error('not a chat job')
    expect(input.request.messages[1]).toEqual({ ...TOOL_ROUND[0], reasoning_content: thought })
  })

  it('a turn on another model gets the rounds without their reasoning_content: an endpoint that never sent the field may refuse it (Groq: 400)', async () => {
    const withReasoning = [{ type: 'reasoning-delta', text: 'I should use the calculator.' }, ...toolStep([{ id: 'call_1', name: 'calculator', args: { expression: '2+3*4' } }]).slice(0, -1), { type: 'finish', finishReason: 'tool_calls', reasoningField: 'reasoning_content' }] as ModelEvent[]
    const { engine, config } = createTestEngine({ runners: { chat: runChatJob }, model: createStepModel([withReasoning, textStep('Done.')]), tools: createToolRegistry([calculator]) })
    dispose = () => engine.dispose()
    const first = (await engine.createJob('user-1', { request: { type: 'chat', model: 'deepseek/deepseek-reasoner', messages: [{ role: 'user', content: 'calculate 2+3*4' }] }, threadId: 't1' })).job
    await engine.whenSettled(first.id)
    const context: JobsRouteContext = { event, engine, config, userId: 'user-1', flags }
    const history = [{ role: 'user', content: 'calculate 2+3*4' }, { role: 'assistant', content: 'Done.', jobId: first.id }, { role: 'user', content: 'and times two?' }]
    const sentOn = async (model?: string) => {
      const input = await withEarlierToolOutcomes(context, chatJobInputOf({ threadId: 't1', messages: history, ...(model ? { model } : {}) }, unboundedChatConfig(config), flags, null))
      if (input.request.type !== 'chat') throw new Error('not a chat job')
      return input.request.messages[1]
    }
    expect(await sentOn('groq/other-model')).toEqual(TOOL_ROUND[0])
    // No model named: upstream.defaultModel, another model too.
    expect(await sentOn()).toEqual(TOOL_ROUND[0])
    // The same model: the same endpoint and field.
    expect(await sentOn('deepseek/deepseek-reasoner')).toHaveProperty('reasoning_content')
  })

  it('AI SDK route: an answer of tool parts only (no text) goes as its job\'s rounds', async () => {
    const model = createStepModel([toolStep([{ id: 'call_1', name: 'calculator', args: { expression: '2+3*4' } }]), [{ type: 'finish', finishReason: 'stop' }], textStep('28.')])
    const { engine, config } = createTestEngine({ runners: { chat: runChatJob }, model, tools: createToolRegistry([calculator]) })
    dispose = () => engine.dispose()
    const first = (await engine.createJob('user-1', { request: { type: 'chat', messages: [{ role: 'user', content: 'calculate 2+3*4' }] }, threadId: 't1' })).job
    await engine.whenSettled(first.id)
    const part = { type: 'tool-calculator', toolCallId: 'call_1', state: 'output-available', input: { expression: '2+3*4' }, output: { value: 14 } }
    const intent = readChatRequest({ id: 't1', messages: [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'calculate 2+3*4' }] },
      { id: first.id, role: 'assistant', parts: [part] },
      { id: 'u2', role: 'user', parts: [{ type: 'text', text: 'and times two?' }] },
    ] })
    if (intent.kind !== 'turn') throw new Error('not a turn')
    const context: JobsRouteContext = { event, engine, config, userId: 'user-1', flags }
    const input = await withEarlierToolOutcomes(context, chatTurnInput(context, intent.request))
    if (input.request.type !== 'chat') throw new Error('not a chat job')
    expect(input.request.messages).toEqual([{ role: 'user', content: 'calculate 2+3*4' }, ...TOOL_ROUND, { role: 'user', content: 'and times two?' }])
  })

  it('the new turn\'s own call ids never repeat an earlier turn\'s (an endpoint whose ids restart each response, `call_0` or `name:0`, refuses a duplicate: 400)', async () => {
    // The new turn's model says `call_1` again, as the earlier turn's did.
    const model = createStepModel([toolStep([{ id: 'call_1', name: 'calculator', args: { expression: '2+3*4' } }]), textStep('Done.'), toolStep([{ id: 'call_1', name: 'calculator', args: { expression: '14*2' } }]), textStep('28.')])
    const { engine, config } = createTestEngine({ runners: { chat: runChatJob }, model, tools: createToolRegistry([calculator]) })
    dispose = () => engine.dispose()
    const first = (await engine.createJob('user-1', { request: { type: 'chat', messages: [{ role: 'user', content: 'calculate 2+3*4' }] }, threadId: 't1' })).job
    await engine.whenSettled(first.id)
    const body = { threadId: 't1', messages: [{ role: 'user', content: 'calculate 2+3*4' }, { role: 'assistant', content: 'Done.', jobId: first.id }, { role: 'user', content: 'and times two?' }] }
    const input = await withEarlierToolOutcomes({ event, engine, config, userId: 'user-1', flags }, chatJobInputOf(body, config, flags, null))
    const { job } = await engine.createJob('user-1', input)
    await engine.whenSettled(job.id)
    const ids = model.requests.at(-1)!.messages.flatMap(message => message.tool_calls?.map(call => call.id) ?? [])
    expect(ids).toHaveLength(2)
    expect(new Set(ids).size).toBe(2)
    // Each tool message answers its own call.
    const answered = model.requests.at(-1)!.messages.flatMap(message => message.tool_call_id ?? [])
    expect(answered).toEqual(ids)
  })
})
