/**
 * The takeover path of decision 38 end to end: two engines share one memory provider (fake timers).
 * The first owner's agent node streamed the start of its answer and was handed off mid-answer; the
 * owner taking over continues it from the stored text (the model gets it as the start of its
 * answer), so the job's content reads one answer and the next node reads the whole of it. Before,
 * the model was asked the question anew: its answer followed the stored start after a paragraph
 * break, and the next node quoted only that second answer.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import type { ModelClient, ModelEvent, ModelRequest } from '../../server/lib/model/types'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createSharedMemoryEngine, sharedMemory } from '../support/shared-memory'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, limits: { jobTimeoutMs: 3_600_000 } })
const flow = defineWorkflow({
  name: 'answer',
  description: 'answer → quote',
  input: z.object({}),
  nodes: {
    answer: { kind: 'agent', instructions: 'Answer.', prompt: 'What is it?' },
    quote: { kind: 'output', value: state => `Quoted: ${String(state.outputs.answer)}` },
  },
  edges: [['answer', 'quote']],
})

/** Streams `text`, then (with `hang`) streams on until its signal fires; `requests` keeps what it was sent. */
function model(text: string, hang: boolean): ModelClient & { requests: ModelRequest[] } {
  const requests: ModelRequest[] = []
  return {
    scripted: false,
    requests,
    async* stream(request, signal): AsyncIterable<ModelEvent> {
      requests.push({ ...request, messages: [...request.messages] })
      yield { type: 'text-delta', text }
      if (hang) await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))
      yield { type: 'finish', finishReason: 'stop' }
    },
  }
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

it('continues an agent node handed off mid-answer from its stored text', async () => {
  const store = createMemoryProvider()
  const [modelA, modelB] = [model('The answer is', true), model(' 42.', false)]
  const engine = (instanceId: string, client: ModelClient) => createSharedMemoryEngine({ provider: sharedMemory(store), instanceId, config, model: client, workflows: [flow] })
  const [a, b] = [engine('a', modelA), engine('b', modelB)]
  const { job } = await a.createJob('u1', { request: { type: 'workflow', workflow: 'answer', input: {} } })
  await vi.advanceTimersByTimeAsync(1_000)
  expect(modelA.requests).toHaveLength(1)
  await a.dispose() // hands the job off mid-answer
  expect(await b.recover()).toBe(1)
  await vi.advanceTimersByTimeAsync(1_000)
  await b.whenSettled(job.id)
  const { state } = await b.getJob('u1', job.id)
  expect(state.status).toBe('completed')
  expect(modelB.requests.map(request => request.messages.at(-1))).toEqual([{ role: 'assistant', content: 'The answer is' }])
  expect(state.content).toBe('The answer is 42.\n\nQuoted: The answer is 42.')
  expect(state.nodeStates.answer).toMatchObject({ status: 'completed', output: 'The answer is 42.' })
  await b.dispose()
})
