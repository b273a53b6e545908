/**
 * `recovery.chat = continue` when the lost owner died after a round that asked for tools (its text
 * streamed, its calls answered) and before the next round began. That round was over, yet the new
 * owner sent its text to the model as a prefill after the tool results — a half-written answer to
 * go on with — and went on without the paragraph break a new round starts with: the job's text
 * read `Let me check:It is sunny in Oslo.` where the same job without a takeover reads
 * `Let me check:\n\nIt is sunny in Oslo.`, and the model's history put its words after the results
 * it had not seen yet. The round's text now stays with its tool calls, and the next round is new.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { defineTool } from '../../server/utils/define-tool'
import { createStepModel, textStep, toolStep } from '../support/step-model'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, recovery: { chat: 'continue' } })
const weather = defineTool({ name: 'weather', description: 'The weather', parameters: z.object({ city: z.string() }), execute: ({ city }) => ({ city, sky: 'sunny' }) })
const request = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'Weather in Oslo?' }] }
const askRound = () => toolStep([{ id: 'call_w', name: 'weather', args: { city: 'Oslo' } }], { text: 'Let me check:' })
const answerRound = () => textStep('It is sunny in Oslo.')

describe('recovery.chat = continue after a finished tool round', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('gives the job the text it has without a takeover, and the model the round as it was', async () => {
    // Without a takeover.
    const alone = createEngineNode(createBackend(), { instanceId: 'solo', config, chat: runChatJob, tools: [weather], model: createStepModel([askRound(), answerRound()]) })
    const { job: plain } = await alone.engine.createJob('u1', { request })
    await vi.advanceTimersByTimeAsync(1_000)
    await alone.engine.whenSettled(plain.id)
    const expected = (await alone.engine.getJob('u1', plain.id)).state.content
    expect(expected).toBe('Let me check:\n\nIt is sunny in Oslo.')

    // A dies once the tool answered, before its next round: that round never returns.
    const backend = createBackend()
    const modelA = createStepModel([askRound(), (_request, signal) => ({
      async* [Symbol.asyncIterator]() {
        await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))
      },
    })])
    const modelB = createStepModel([answerRound()])
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: runChatJob, tools: [weather], model: modelA, wrap: provider => ({ ...provider, heartbeatLease: async () => true }) })
    const b = createEngineNode(backend, { instanceId: 'B', config, chat: runChatJob, tools: [weather], model: modelB })
    const { job } = await a.engine.createJob('u1', { request })
    await vi.advanceTimersByTimeAsync(6_000)
    await b.engine.whenSettled(job.id)
    await b.facade.settled()

    const { state } = await b.engine.getJob('u1', job.id)
    expect(state).toMatchObject({ status: 'completed', epoch: 2 })
    expect(state.content).toBe(expected)
    expect(modelB.requests[0]!.messages).toEqual([
      request.messages[0],
      { role: 'assistant', content: 'Let me check:', tool_calls: [{ id: 'call_w', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'call_w', name: 'weather', content: '{"city":"Oslo","sky":"sunny"}' },
    ])
    await Promise.all([a.engine.dispose(), b.engine.dispose(), alone.engine.dispose()])
  })
})
