/**
 * A `runtime: 'client'` tool's call waits for the browser's output (decision 44), as a tool
 * approval waits for a person: a `tool-output` input request, the job `waiting`; the output is the
 * call's result, an error the call's error, no answer in time a `timeout` the model is told of,
 * an abort ends the wait with nothing left behind. Before, the call ended at once as an error.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { runAgentLoop } from '../../server/lib/executor/agent-loop'
import { parseClientToolAnswer } from '../../server/lib/executor/client-tool-output'
import { InvalidAnswerError } from '../../server/lib/errors'
import { defineTool } from '../../server/utils/define-tool'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { readChatMessagesOf } from '../../server/lib/ai-sdk/read-chat-messages'
import { chatRequest, createTestEngine } from '../support/engine-harness'
import { createFakeRunContext } from '../support/fake-run-context'
import { createStepModel, textStep, toolStep } from '../support/step-model'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const pickColor = defineTool({ name: 'pick_color', description: 'Opens a picker in the browser', parameters: z.object({ palette: z.string().default('basic') }), runtime: 'client' })

function start(args: unknown = {}) {
  const model = createStepModel([toolStep([{ id: 'c1', name: 'pick_color', args }]), textStep('done')])
  const fake = createFakeRunContext({ model, tools: [pickColor], config: { limits: { inputTimeoutMs: 60_000 } } })
  const running = runAgentLoop(fake.context, { messages: [{ role: 'user', content: 'pick a colour' }] })
  const told = async () => {
    await running
    return JSON.parse(model.requests[1]!.messages.find(message => message.role === 'tool')!.content!) as unknown
  }
  return { ...fake, model, running, told }
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('a client tool\'s call', () => {
  it('waits for the browser: the job is waiting with a tool-output request naming the call and its parsed arguments', async () => {
    const { state, eventsOf, pendingRequestIds } = start()
    await vi.advanceTimersByTimeAsync(0)
    expect(state().status).toBe('waiting')
    expect(eventsOf('input-request')[0]).toMatchObject({ kind: 'tool-output', toolCallId: 'c1', tool: 'pick_color', args: { palette: 'basic' }, onTimeout: 'deny', expiresAt: Date.now() + 60_000 })
    // Not an approval: the call is running (in the browser), with no approval id.
    expect(state().toolCalls[0]).toMatchObject({ id: 'c1', status: 'running' })
    expect(state().toolCalls[0]!.approvalId).toBeUndefined()
    expect(pendingRequestIds()).toHaveLength(1)
  })

  it('the output is the call\'s result the model reads', async () => {
    const { answer, pendingRequestIds, told, state } = start()
    await vi.advanceTimersByTimeAsync(0)
    answer(pendingRequestIds()[0]!, { output: { color: 'teal' } })
    expect(await told()).toEqual({ color: 'teal' })
    expect(state().toolCalls[0]).toMatchObject({ status: 'completed', result: { color: 'teal' } })
  })

  it('an error from the browser is the call\'s error result', async () => {
    const { answer, pendingRequestIds, told, state } = start()
    await vi.advanceTimersByTimeAsync(0)
    answer(pendingRequestIds()[0]!, { error: 'the user closed the picker' })
    expect(await told()).toEqual({ error: 'Tool "pick_color" failed in the user\'s browser: the user closed the picker' })
    expect(state().toolCalls[0]!.status).toBe('error')
  })

  it('no output in time: the call ends as a timeout saying so, and the model answers without it', async () => {
    const { told, state, eventsOf, running } = start()
    await vi.advanceTimersByTimeAsync(59_999)
    expect(state().status).toBe('waiting')
    await vi.advanceTimersByTimeAsync(1)
    expect(await told()).toEqual({ error: 'Tool "pick_color" runs in the user\'s browser, which gave no output in time (nobody answered the request); answer without it' })
    expect(eventsOf('input-response')[0]).toMatchObject({ answeredBy: 'timeout' })
    expect(state().toolCalls[0]!.status).toBe('timeout')
    expect((await running).text).toBe('done')
  })

  it('an abort while it waits ends the job with its reason, nothing pending and no timer left', async () => {
    const { running, abort, context, pendingRequestIds } = start()
    const outcome = running.then(() => 'finished', (error: unknown) => error)
    await vi.advanceTimersByTimeAsync(0)
    abort('stop')
    expect(await outcome).toMatchObject({ name: 'JobAbortedError', message: 'stop' })
    expect(pendingRequestIds()).toHaveLength(0)
    expect(context.timers.size).toBe(0)
  })

  it('arguments its schema refuses end the call at once: the browser is not asked', async () => {
    const { told, eventsOf } = start({ palette: 3 })
    expect((await told() as { error: string }).error).toMatch(/^Invalid arguments for tool "pick_color": palette/)
    expect(eventsOf('input-request')).toHaveLength(0)
  })

  it('reads the answer forms the input route may pass', () => {
    expect(parseClientToolAnswer({ output: 'teal' })).toEqual({ output: 'teal' })
    expect(parseClientToolAnswer({ output: null })).toEqual({ output: null })
    expect(parseClientToolAnswer({ error: ' closed ' })).toEqual({ error: 'closed' })
    for (const bad of ['teal', null, 3, [], {}, { error: '' }, { error: 5 }, { output: 1, error: 'x' }]) expect(() => parseClientToolAnswer(bad)).toThrow(InvalidAnswerError)
    expect(() => parseClientToolAnswer('teal')).toThrow('{ output: <any JSON> } or { error: "<what went wrong>" }')
  })
})

/** The `pick_color` part of the chat's last message. */
const toolPart = (messages: Awaited<ReturnType<typeof readChatMessagesOf>>) => messages.at(-1)!.parts.find(part => part.type === 'tool-pick_color')

describe('a client tool\'s call through the engine (its input requests, timers and end)', () => {
  const engineWith = (config: Parameters<typeof createTestEngine>[0]['config'] = {}) => createTestEngine({
    config: { limits: { inputTimeoutMs: 1_000 }, ...config },
    model: createStepModel([toolStep([{ id: 'c1', name: 'pick_color', args: {} }]), textStep('done')]),
    tools: createToolRegistry([pickColor]),
    runners: { chat: runChatJob },
  })

  it('expires: no output by `timeout` in the log, the call a timeout, the job completes', async () => {
    const { engine } = engineWith()
    const { job } = await engine.createJob('u1', { request: { ...chatRequest, tools: ['pick_color'] }, threadId: 'chat-expiry' })
    await vi.advanceTimersByTimeAsync(100)
    expect((await engine.getJob('u1', job.id)).state).toMatchObject({ status: 'waiting', pendingInputs: [{ kind: 'tool-output', toolCallId: 'c1' }] })
    // The AI SDK's view (the messages route's): the call waits for the browser's output.
    expect(toolPart(await readChatMessagesOf(engine, 'u1', 'chat-expiry', { metadata: false }))).toMatchObject({ state: 'input-available' })
    await vi.advanceTimersByTimeAsync(1_000)
    await engine.whenSettled(job.id)
    const { state } = await engine.getJob('u1', job.id)
    expect(state).toMatchObject({ status: 'completed', content: 'done', pendingInputs: [] })
    expect(state.answeredInputs).toEqual([expect.objectContaining({ kind: 'tool-output', answer: null, answeredBy: 'timeout' })])
    expect(state.toolCalls[0]).toMatchObject({ status: 'timeout', error: expect.stringContaining('gave no output in time') })
    expect(toolPart(await readChatMessagesOf(engine, 'u1', 'chat-expiry', { metadata: false }))).toMatchObject({ state: 'output-error', errorText: expect.stringContaining('gave no output in time') })
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0 })
  })

  it('an abort while it waits: aborted, the call stopped, nothing pending, no timer left', async () => {
    const { engine } = engineWith()
    const { job } = await engine.createJob('u1', { request: { ...chatRequest, tools: ['pick_color'] }, threadId: 'chat-abort' })
    await vi.advanceTimersByTimeAsync(100)
    expect((await engine.abortJob('u1', job.id)).status).toBe('aborted')
    await engine.whenSettled(job.id)
    const { state } = await engine.getJob('u1', job.id)
    expect(state).toMatchObject({ status: 'aborted', pendingInputs: [] })
    expect(state.toolCalls[0]!.status).toBe('stopped')
    // No call is left `input-available` for a browser to answer.
    expect(toolPart(await readChatMessagesOf(engine, 'u1', 'chat-abort', { metadata: false }))).toMatchObject({ state: 'output-error' })
    expect(engine.stats()).toMatchObject({ runs: 0, jobTimers: 0 })
  })

  it('a job time limit before the wait\'s end fails the job then, as for an approval (onTimeout fail)', async () => {
    const { engine } = engineWith({ limits: { inputTimeoutMs: 60_000, jobTimeoutMs: 5_000 } })
    const { job } = await engine.createJob('u1', { request: { ...chatRequest, tools: ['pick_color'] } })
    await vi.advanceTimersByTimeAsync(100)
    expect((await engine.getJob('u1', job.id)).state.pendingInputs[0]).toMatchObject({ kind: 'tool-output', onTimeout: 'fail' })
    await vi.advanceTimersByTimeAsync(5_000)
    await engine.whenSettled(job.id)
    expect((await engine.getJob('u1', job.id)).state.status).toBe('failed')
  })
})
