/**
 * Engines on a shared provider (two instances over one convex-test backend, fake timers): a chat
 * job continued after its owner was lost (recovery.chat = continue) with the epoch on the wire,
 * the owner's real answer relayed by a non-owner (400, 409), a failed remote attach releasing its
 * subscription, and per-user limits that hold across instances.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { createRecordingSink, wait } from '../support/engine-harness'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { resolveConfig } from '../../server/lib/config'
import type { JobRunners } from '../../server/lib/engine-types'
import { ConcurrencyLimitError, RateLimitError } from '../../server/lib/errors'
import type { JobProvider } from '../../server/lib/providers/types'
import { createBackend } from './backend'
import type { Backend } from './backend'
import { createEngineNode } from './engine-node'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { defineTool } from '../../server/utils/define-tool'
import { createStepModel, textStep, toolStep } from '../support/step-model'

const chat = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }] }
const WORDS = Array.from({ length: 200 }, (_, index) => `w${index} `)
const FULL_TEXT = WORDS.join('')

/** Streams the words one every 20 ms, going on after the text a previous owner stored. */
const continuingWords: JobRunners['chat'] = async (context) => {
  let done = context.resumedFrom?.content ?? ''
  for (const word of WORDS) {
    if (done.startsWith(word)) {
      done = done.slice(word.length)
      continue
    }
    await wait(20, context.signal)
    context.text(word)
  }
}

/** A tool that answers at once, and one that never answers (it ends only with its signal). */
const runs = { weather: 0, hang: 0 }
const weather = defineTool({ name: 'weather', description: 'The weather', parameters: z.object({ city: z.string() }), execute: ({ city }) => {
  runs.weather++
  return { city, sky: 'sunny' }
} })
const hang = defineTool({ name: 'hang', description: 'Never answers', parameters: z.object({}), execute: (_args, { signal }) => {
  runs.hang++
  return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }))
} })

function createNode(backend: Backend, instanceId: string, config: BackgroundJobsConfigInput, runners: Partial<JobRunners> = {}, wrap?: (provider: JobProvider) => JobProvider) {
  const resolved = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, ...config })
  return createEngineNode(backend, { instanceId, config: resolved, chat: runners.chat, wrap })
}

describe('engines sharing a provider', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('recovery.chat = continue: B goes on from the stored text; a viewer resuming from A\'s unstored seqs gets B\'s snapshot; one text, no duplicate', async () => {
    const backend = createBackend()
    // A stuck owner: its heartbeats claim success but never reach the store, so B takes over.
    const a = createNode(backend, 'A', { recovery: { chat: 'continue' } }, { chat: continuingWords }, provider => ({ ...provider, heartbeatLease: async () => true }))
    const b = createNode(backend, 'B', { recovery: { chat: 'continue' } }, { chat: continuingWords })
    const { job } = await a.engine.createJob('u1', { request: chat })
    const onA = createRecordingSink()
    await a.engine.attachViewer('u1', job.id, onA, null)
    await vi.advanceTimersByTimeAsync(4_200) // past the 3 s lease: B's recovery takes over
    // A's viewer was closed when A's writes were refused; it saw text A never stored.
    expect(onA.closed).toBe(true)
    const last = onA.frames.at(-1)!
    expect(last.epoch).toBeUndefined()
    const { state: taken } = await b.engine.getJob('u1', job.id)
    expect(taken.epoch).toBe(2)
    const storedByA = (await b.provider.readEvents(job.id, 0))!.events.filter(event => event.epoch === undefined).at(-1)!.seq
    expect(last.id).toBeGreaterThan(storedByA) // A's viewer has seqs that B wrote again with other text

    const onB = createRecordingSink()
    await b.engine.attachViewer('u1', job.id, onB, { epoch: 1, seq: last.id })
    expect(onB.frames[0]).toMatchObject({ event: 'snapshot', epoch: 2 })
    await vi.advanceTimersByTimeAsync(6_000)
    await b.engine.whenSettled(job.id)
    await b.facade.settled()
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state).toMatchObject({ status: 'completed', content: FULL_TEXT, epoch: 2 })
    expect(onB.state()!.content).toBe(FULL_TEXT)
    expect(onB.frames.filter(frame => frame.event !== 'snapshot').every(frame => frame.epoch === 2)).toBe(true)
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })

  it('recovery.chat = continue: a chat running at shutdown is handed off, and another instance finishes it (one text, no duplicate)', async () => {
    const backend = createBackend()
    const a = createNode(backend, 'A', { recovery: { chat: 'continue' } }, { chat: continuingWords })
    const b = createNode(backend, 'B', { recovery: { chat: 'continue' } }, { chat: continuingWords })
    const { job } = await a.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(1_000)
    await a.engine.dispose() // SIGTERM of a rolling deploy
    expect(await b.engine.recover()).toBe(1)
    await vi.advanceTimersByTimeAsync(5_000)
    await b.engine.whenSettled(job.id)
    await b.facade.settled()
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state).toMatchObject({ status: 'completed', content: FULL_TEXT, epoch: 2, error: null })
    await b.engine.dispose()
  })

  it('an instance whose clock runs 20 s behind takes a handed-off job over at once: expiry is the deployment\'s clock', async () => {
    const backend = createBackend()
    const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, recovery: { chat: 'continue' } })
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: continuingWords })
    const b = createEngineNode(backend, { instanceId: 'B', config, chat: continuingWords, now: () => Date.now() - 20_000 })
    const { job } = await a.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(1_000)
    await a.engine.dispose() // the lease is released: expired by the deployment's clock now
    expect(await b.engine.recover()).toBe(1)
    await vi.advanceTimersByTimeAsync(5_000)
    await b.engine.whenSettled(job.id)
    expect((await b.engine.getJob('u1', job.id)).state).toMatchObject({ status: 'completed', content: FULL_TEXT, epoch: 2 })
    await b.engine.dispose()
  })

  it('recovery.chat = fail (the default): a chat running at shutdown ends failed (shutdown) with its text', async () => {
    const backend = createBackend()
    const a = createNode(backend, 'A', {}, { chat: continuingWords })
    const { job } = await a.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(1_000)
    await a.engine.dispose()
    const state = await a.provider.getState(job.id)
    expect(state).toMatchObject({ status: 'failed', error: { code: 'shutdown' } })
    expect(FULL_TEXT.startsWith(state!.content) && state!.content.length > 0).toBe(true)
  })

  it('recovery.chat = continue after tool calls: the model gets the stored rounds and results; a call left unanswered ends as an error and is never run again', async () => {
    runs.weather = 0
    runs.hang = 0
    const backend = createBackend()
    const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, recovery: { chat: 'continue' } })
    const modelA = createStepModel([toolStep([{ id: 'call_w', name: 'weather', args: { city: 'Oslo' } }, { id: 'call_h', name: 'hang' }], { text: 'Checking. ', usage: { prompt: 100, completion: 10, total: 110 } })])
    const modelB = createStepModel([textStep('It is sunny in Oslo.', { prompt: 200, completion: 20, total: 220 })])
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: runChatJob, tools: [weather, hang], model: modelA, wrap: provider => ({ ...provider, heartbeatLease: async () => true }) })
    const b = createEngineNode(backend, { instanceId: 'B', config, chat: runChatJob, tools: [weather, hang], model: modelB })
    const { job } = await a.engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'Weather in Oslo?' }] } })
    await vi.advanceTimersByTimeAsync(4_200) // past the 3 s lease: B's recovery takes over
    await vi.advanceTimersByTimeAsync(2_000)
    await b.engine.whenSettled(job.id)
    await b.facade.settled()

    expect(modelB.requests).toHaveLength(1)
    expect(modelB.requests[0]!.messages).toEqual([
      { role: 'user', content: 'Weather in Oslo?' },
      // The round that asked for the tools was over: its text stays with its calls (no prefill).
      { role: 'assistant', content: 'Checking. ', tool_calls: [
        { id: 'call_w', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
        { id: 'call_h', type: 'function', function: { name: 'hang', arguments: '{}' } },
      ] },
      { role: 'tool', tool_call_id: 'call_w', name: 'weather', content: '{"city":"Oslo","sky":"sunny"}' },
      { role: 'tool', tool_call_id: 'call_h', name: 'hang', content: expect.stringContaining('interrupted') },
    ])
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state).toMatchObject({ status: 'completed', content: 'Checking. \n\nIt is sunny in Oslo.', epoch: 2 })
    expect(state.toolCalls.map(call => [call.id, call.status])).toEqual([['call_w', 'completed'], ['call_h', 'error']])
    expect(state.toolCalls[1]!.error).toMatch(/stopped before it answered; it was not run again/)
    expect(state.steps.map(step => step.step)).toEqual([1, 2])
    // The job's totals count the lost owner's round, tokens and calls too (its steps show them).
    expect(state.metrics).toMatchObject({ total_rounds: 2, tool_call_count: 2, tokens: { prompt: 300, completion: 30, total: 330 } })
    expect(runs).toEqual({ weather: 1, hang: 1 })
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })

  it('a heartbeat refused because the end was just stored does not stop the run before the end is reported', async () => {
    const backend = createBackend()
    // The store takes the end, but its reply is slow: heartbeats run meanwhile and find the job finished.
    const a = createNode(backend, 'A', {}, { chat: async context => context.text('answer') }, provider => ({
      ...provider,
      async appendEvents(id, events, options) {
        const result = await provider.appendEvents(id, events, options)
        if (events.some(event => event.type === 'job-end')) await wait(2_500)
        return result
      },
    }))
    const { job } = await a.engine.createJob('u1', { request: chat })
    const sink = createRecordingSink()
    await a.engine.attachViewer('u1', job.id, sink, null)
    await vi.advanceTimersByTimeAsync(3_000)
    await a.engine.whenSettled(job.id)
    expect(sink.frames.at(-1)).toMatchObject({ event: 'job-end', data: { status: 'completed' } })
    expect(sink.state()!.content).toBe('answer')
    await a.engine.dispose()
  })

  it('a non-owner answers with the owner\'s real outcome: 400 for a wrong shape, 409 for another answer once answered', async () => {
    const backend = createBackend()
    const a = createNode(backend, 'A', {})
    const b = createNode(backend, 'B', {})
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
    await vi.advanceTimersByTimeAsync(100)
    const requestId = (await b.engine.getJob('u1', job.id)).state.pendingInputs[0]!.requestId
    const settle = async <T>(promise: Promise<T>) => {
      const result = promise.then(value => ({ value }), (error: unknown) => ({ error }))
      await vi.advanceTimersByTimeAsync(50)
      return await result
    }
    expect(await settle(b.engine.answerInput('u1', job.id, { requestId, answer: { go: 'yes' } }))).toMatchObject({ error: { statusCode: 400, name: 'InvalidAnswerError' } })
    expect((await b.engine.getJob('u1', job.id)).state.status).toBe('waiting')
    expect(await settle(b.engine.answerInput('u1', job.id, { requestId, answer: { go: true } }))).toEqual({ value: { stored: true } })
    // The same answer again (a retry) is the answer taken; another one is a 409.
    expect(await settle(b.engine.answerInput('u1', job.id, { requestId, answer: { go: true } }))).toEqual({ value: { stored: true } })
    expect(await settle(b.engine.answerInput('u1', job.id, { requestId, answer: { go: false } }))).toMatchObject({ error: { statusCode: 409 } })
    await a.engine.whenSettled(job.id)
    expect((await b.engine.getJob('u1', job.id)).state.status).toBe('completed')
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })

  it('a remote attach whose catch-up read fails releases its viewer and the job\'s subscription', async () => {
    const backend = createBackend()
    const a = createNode(backend, 'A', {}, { chat: context => wait(600_000, context.signal) })
    let failReads = true
    const b = createNode(backend, 'B', {}, {}, provider => ({
      ...provider,
      async readEvents(id, afterSeq) {
        if (failReads) throw new Error('store unreachable')
        return await provider.readEvents(id, afterSeq)
      },
    }))
    const { job } = await a.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(100)
    await expect(b.engine.attachViewer('u1', job.id, createRecordingSink(), null)).rejects.toThrow('store unreachable')
    expect(b.engine.stats()).toMatchObject({ viewers: 0, remoteFeeds: 0 })
    failReads = false
    await b.engine.attachViewer('u1', job.id, createRecordingSink(), null)
    expect(b.engine.stats()).toMatchObject({ viewers: 1, remoteFeeds: 1 })
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })

  it('per-user concurrency and rate limits hold across instances, not once per instance', async () => {
    const backend = createBackend()
    const limits = { limits: { maxConcurrentJobsPerUser: 2, createPerMinute: 3 } }
    const runner = { chat: (context: Parameters<JobRunners['chat']>[0]) => wait(600_000, context.signal) }
    const a = createNode(backend, 'A', limits, runner)
    const b = createNode(backend, 'B', limits, runner)
    await a.engine.createJob('u1', { request: chat })
    await b.engine.createJob('u1', { request: chat })
    await expect(a.engine.createJob('u1', { request: chat })).rejects.toBeInstanceOf(ConcurrencyLimitError)
    await expect(b.engine.createJob('u1', { request: chat })).rejects.toMatchObject({ statusCode: 429, scope: 'user' })
    await b.engine.createJob('u2', { request: chat })

    await a.engine.limitRate('u1', 'create')
    await b.engine.limitRate('u1', 'create')
    await a.engine.limitRate('u1', 'create')
    await expect(b.engine.limitRate('u1', 'create')).rejects.toBeInstanceOf(RateLimitError)
    await expect(a.engine.limitRate('u1', 'create')).rejects.toThrow(/limits\.createPerMinute/)
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })
})
