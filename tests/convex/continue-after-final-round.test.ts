/**
 * `recovery.chat = continue` when the lost owner died after its final round was stored (the
 * round's `step-end`, a boundary, is written at once) and before the job's end was (the next
 * write, one store round trip later). The answer was complete, yet the new owner sent it to the
 * model as a prefill and asked for more: the job read `Hello. And more.` where it read `Hello.`, and
 * the upstream got (and billed) one more request. A round's `step-end` now says how many tool calls
 * it asked for (`toolCallCount`): a stored final round without calls is complete, and the new
 * owner ends the job `completed` with its text, calling nothing. A round that asked for tools
 * leaves the same log in that window (its `tool-call` events go in the next write): that job runs on.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { defineTool } from '../../server/utils/define-tool'
import { createStepModel, textStep, toolStep } from '../support/step-model'
import { createBackend } from './backend'
import { diesBefore, sayHelloRequest as request } from './dies-before'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, recovery: { chat: 'continue' } })

describe('recovery.chat = continue after the final round was stored', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('completes with the stored answer, asking the model nothing', async () => {
    const backend = createBackend()
    const modelB = createStepModel([textStep(' And more.')])
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: runChatJob, model: createStepModel([textStep('Hello.', { prompt: 3, completion: 2, total: 5 })]), wrap: diesBefore('job-end') })
    const b = createEngineNode(backend, { instanceId: 'B', config, chat: runChatJob, model: modelB })
    const { job } = await a.engine.createJob('u1', { request })
    await vi.advanceTimersByTimeAsync(8_000)
    await b.engine.whenSettled(job.id)
    const { state } = await b.engine.getJob('u1', job.id)
    expect(modelB.requests).toHaveLength(0)
    expect(state).toMatchObject({ status: 'completed', epoch: 2, content: 'Hello.' })
    expect(state.steps).toMatchObject([{ step: 1, finishReason: 'stop', ended: true }])
    // The stored round is the job's: counted in its end's metrics as without a takeover.
    expect(state.metrics).toMatchObject({ total_rounds: 1, tokens: { total: 5 } })
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })

  it('runs on when that round asked for tools whose calls were not stored', async () => {
    const weather = defineTool({ name: 'weather', description: 'The weather', parameters: z.object({ city: z.string() }), execute: ({ city }) => ({ city, sky: 'sunny' }) })
    const backend = createBackend()
    const askRound = () => toolStep([{ id: 'call_w', name: 'weather', args: { city: 'Oslo' } }])
    const modelB = createStepModel([askRound(), textStep('It is sunny in Oslo.')])
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: runChatJob, tools: [weather], model: createStepModel([askRound()]), wrap: diesBefore('tool-call') })
    const b = createEngineNode(backend, { instanceId: 'B', config, chat: runChatJob, tools: [weather], model: modelB })
    const { job } = await a.engine.createJob('u1', { request: { ...request, messages: [{ role: 'user' as const, content: 'Weather in Oslo?' }] } })
    await vi.advanceTimersByTimeAsync(8_000)
    await b.engine.whenSettled(job.id)
    const { state } = await b.engine.getJob('u1', job.id)
    expect(modelB.requests).toHaveLength(2)
    expect(state).toMatchObject({ status: 'completed', epoch: 2, content: 'It is sunny in Oslo.' })
    expect(state.steps[0]).toMatchObject({ step: 1, finishReason: 'tool_calls', toolCallCount: 1, ended: true })
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
