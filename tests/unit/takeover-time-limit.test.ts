/**
 * `limits.jobTimeoutMs` counts from the job's first start, not from a takeover (job-start.ts): two
 * engines share one memory provider (fake timers, the provider's clock among them); the first
 * hands a chat off at shutdown (a rolling deploy) and the second takes it over. It gets only what
 * is left of the limit; one taken over past its limit ends `timeout` with the stored text and asks
 * the model nothing. A workflow's wait for an answer counts too.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { resolveConfig } from '../../server/lib/config'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import type { ModelClient, ModelEvent } from '../../server/lib/model/types'
import type { MemoryProvider } from '../../server/lib/providers/memory'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { chatRequest } from '../support/engine-harness'
import { createSharedMemoryEngine, sharedMemory } from '../support/shared-memory'

const LIMIT_MS = 600_000
const CONFIG: BackgroundJobsConfigInput = { scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, recovery: { chat: 'continue' }, limits: { jobTimeoutMs: LIMIT_MS } }

/** A model whose every round writes `partial ` and then streams until its signal fires; counts its rounds. */
function hangingModel(): ModelClient & { rounds: number } {
  const model = {
    scripted: false,
    rounds: 0,
    async* stream(_request: unknown, signal: AbortSignal): AsyncIterable<ModelEvent> {
      model.rounds++
      yield { type: 'text-delta', text: 'partial ' }
      await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))
    },
  }
  return model
}

/** One instance over the shared memory provider. */
function instance(store: MemoryProvider, instanceId: string, model: ModelClient, limits: BackgroundJobsConfigInput['limits'] = {}) {
  const config = resolveConfig({ ...CONFIG, limits: { ...CONFIG.limits, ...limits } })
  return createSharedMemoryEngine({ provider: sharedMemory(store), instanceId, config, model, chat: runChatJob })
}

describe('a job taken over keeps the time limit it started with', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('gets only what is left of limits.jobTimeoutMs after a hand-off', async () => {
    const store = createMemoryProvider()
    const [modelA, modelB] = [hangingModel(), hangingModel()]
    const a = instance(store, 'a', modelA)
    const b = instance(store, 'b', modelB)
    const { job } = await a.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(400_000)
    await a.dispose() // a rolling deploy hands the chat off
    expect(await b.recover()).toBe(1)
    await vi.advanceTimersByTimeAsync(199_000)
    expect((await b.getJob('u1', job.id)).state.status).toBe('running')
    // 600 s from its creation, not 600 s from the takeover (before: running until 1000 s).
    await vi.advanceTimersByTimeAsync(2_000)
    const { state } = await b.getJob('u1', job.id)
    expect(state).toMatchObject({ status: 'failed', epoch: 2, error: { code: 'timeout' } })
    expect(state.content).toContain('partial')
    expect(modelB.rounds).toBe(1)
    await b.whenSettled(job.id)
    await b.dispose()
  })

  it('ends a job taken over past its limit as a timeout with its stored text, asking the model nothing', async () => {
    const store = createMemoryProvider()
    const [modelA, modelB] = [hangingModel(), hangingModel()]
    const a = instance(store, 'a', modelA)
    const { job } = await a.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(500_000)
    await a.dispose()
    // No instance takes it over until after its limit (they were all being replaced).
    await vi.advanceTimersByTimeAsync(200_000)
    const b = instance(store, 'b', modelB)
    expect(await b.recover()).toBe(1)
    await vi.advanceTimersByTimeAsync(0)
    const { state } = await b.getJob('u1', job.id)
    expect(state).toMatchObject({ status: 'failed', epoch: 2, content: 'partial ', error: { code: 'timeout' } })
    expect(state.error!.message).toContain('counted from its first start')
    expect(modelB.rounds).toBe(0)
    expect(state.steps).toHaveLength(1)
    await b.whenSettled(job.id)
    await b.dispose()
  })

  it('counts a workflow\'s wait for an answer: its question asked again expires with what is left', async () => {
    const store = createMemoryProvider()
    // The question's own timeout is longer than the job's limit (it keeps its first deadline across
    // a takeover, so a shorter one would end the wait before the job's end).
    const a = instance(store, 'a', hangingModel(), { inputTimeoutMs: 700_000 })
    const b = instance(store, 'b', hangingModel(), { inputTimeoutMs: 700_000 })
    const { job } = await a.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
    await vi.advanceTimersByTimeAsync(450_000)
    expect((await a.getJob('u1', job.id)).state.status).toBe('waiting')
    await a.dispose()
    expect(await b.recover()).toBe(1)
    await vi.advanceTimersByTimeAsync(0)
    const { state: asked } = await b.getJob('u1', job.id)
    const [question] = asked.pendingInputs
    // Its 700 s would run past the job's end: it expires then, 600 s after the job's creation.
    expect(question!.expiresAt - question!.requestedAt).toBe(150_000)
    await vi.advanceTimersByTimeAsync(150_000)
    expect((await b.getJob('u1', job.id)).state).toMatchObject({ status: 'failed', error: { code: 'timeout' } })
    await b.whenSettled(job.id)
    await b.dispose()
  })
})
