/**
 * Two engine instances sharing one Convex backend (convex-test running the real convex/
 * functions): streaming across instances, abort and answers through the other instance,
 * recovery of a lost owner, fencing of a stale one, and write batching counted, not timed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { createRecordingSink, unusedModel, wait } from '../support/engine-harness'
import { resolveConfig } from '../../server/lib/config'
import { createEngine } from '../../server/lib/engine'
import type { JobRunners } from '../../server/lib/engine-types'
import { silentLogger } from '../../server/lib/logger'
import type { JobProvider } from '../../server/lib/providers/types'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { defineTool } from '../../server/utils/define-tool'
import { createBackend, createInstance } from './backend'
import type { Backend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, limits: { inputTimeoutMs: 600_000 } })
const chat = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }] }

let counterCalls = 0
const counter = defineTool({
  name: 'counter',
  description: 'Counts how often it ran',
  parameters: z.object({}),
  execute: () => ({ calls: ++counterCalls }),
})
const resumable = defineWorkflow({
  name: 'resumable',
  description: 'count → ask → done',
  input: z.object({}),
  nodes: {
    count: { kind: 'tool', tool: 'counter', args: {} },
    ask: { kind: 'input', prompt: 'Go on?', schema: z.object({ go: z.boolean() }), onTimeout: 'fail' },
    done: { kind: 'output', value: 'finished after {{outputs.count.calls}} count' },
  },
  edges: [['count', 'ask'], ['ask', 'done']],
})

function createNode(backend: Backend, instanceId: string, runners: Partial<JobRunners>, wrap?: (provider: JobProvider) => JobProvider) {
  return createEngineNode(backend, { instanceId, config, chat: runners.chat, tools: [counter], workflows: [resumable], wrap })
}

/** A runner emitting `count` words, one every 20 ms. */
const words = (count: number) => async (context: Parameters<JobRunners['chat']>[0]) => {
  for (let index = 0; index < count; index++) {
    await wait(20, context.signal)
    context.text(`w${index} `)
  }
}
const wordsText = (count: number) => Array.from({ length: count }, (_, index) => `w${index} `).join('')

describe('two instances on one Convex backend', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    counterCalls = 0
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a job started on A streams to a viewer on B with the exact text', async () => {
    const backend = createBackend()
    const a = createNode(backend, 'A', { chat: words(60) })
    const b = createNode(backend, 'B', {})
    const { job } = await a.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(300)
    const sink = createRecordingSink()
    await b.engine.attachViewer('u1', job.id, sink, null)
    expect(b.engine.stats().remoteFeeds).toBe(1)
    await vi.advanceTimersByTimeAsync(3_000)
    await b.facade.settled() // deliveries of the last subscription results
    expect(sink.frames[0]!.event).toBe('snapshot')
    expect(sink.frames.at(-1)!.event).toBe('job-end')
    expect(sink.closed).toBe(true)
    expect(sink.state()!.content).toBe(wordsText(60))
    const ids = sink.frames.map(frame => frame.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(b.engine.stats()).toMatchObject({ remoteFeeds: 0, viewers: 0 })
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })

  it('abort sent to B stops A\'s job, keeping its text', async () => {
    const backend = createBackend()
    const a = createNode(backend, 'A', {
      async chat(context) {
        context.text('partial answer')
        await wait(600_000, context.signal)
      },
    })
    const b = createNode(backend, 'B', {})
    const { job } = await a.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(600)
    const aborting = b.engine.abortJob('u1', job.id)
    await vi.advanceTimersByTimeAsync(100)
    expect((await aborting).status).toBe('aborted')
    await a.engine.whenSettled(job.id)
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state).toMatchObject({ status: 'aborted', content: 'partial answer' })
    await expect(b.engine.abortJob('u2', job.id)).rejects.toMatchObject({ statusCode: 404 })
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })

  it('an input answer sent to B resumes A\'s waiting job', async () => {
    const backend = createBackend()
    const a = createNode(backend, 'A', {
      async chat(context) {
        const answer = await context.requestInput({ kind: 'tool-approval', prompt: 'Allow?', onTimeout: 'deny' })
        context.text(`answer: ${String(answer.answer)} by ${answer.answeredBy}`)
      },
    })
    const b = createNode(backend, 'B', {})
    const { job } = await a.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(100)
    const { state: waiting } = await b.engine.getJob('u1', job.id)
    expect(waiting.status).toBe('waiting')
    const requestId = waiting.pendingInputs[0]!.requestId
    await expect(b.engine.answerInput('u1', job.id, { requestId: 'unknown', answer: 'approve' })).rejects.toMatchObject({ statusCode: 409 })
    // A answers for B once the answer is stored: it is in the store when B's call returns.
    expect(await b.engine.answerInput('u1', job.id, { requestId, answer: 'approve' })).toEqual({ stored: true })
    expect((await a.provider.getState(job.id))!.pendingInputs).toEqual([])
    await vi.advanceTimersByTimeAsync(1_000)
    await a.engine.whenSettled(job.id)
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state).toMatchObject({ status: 'completed', content: 'answer: approve by u1' })
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })

  it('an answer sent to B while A\'s question times out: B tells the caller the outcome that was stored (the timeout\'s: a 409)', async () => {
    const backend = createBackend()
    // A hears no control (its subscription is slow): B's forwarded answer waits while the question expires.
    const deaf = (provider: JobProvider): JobProvider => Object.assign(Object.create(provider) as JobProvider, { subscribeControls: () => () => {} })
    const a = createNode(backend, 'A', {
      async chat(context) {
        const answer = await context.requestInput({ kind: 'tool-approval', prompt: 'Allow?', onTimeout: 'deny', timeoutMs: 500 })
        context.text(`answer: ${String(answer.answer)} by ${answer.answeredBy}`)
      },
    }, deaf)
    const b = createNode(backend, 'B', {})
    const { job } = await a.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(100)
    const requestId = (await b.engine.getJob('u1', job.id)).state.pendingInputs[0]!.requestId
    const answering = b.engine.answerInput('u1', job.id, { requestId, answer: 'approve' }).then(() => 'accepted', (error: unknown) => error)
    await vi.advanceTimersByTimeAsync(1_000)
    await a.engine.whenSettled(job.id)
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state).toMatchObject({ status: 'completed', content: 'answer: deny by timeout' })
    expect(await answering).toMatchObject({ statusCode: 409 })
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })

  it('A goes away mid-job: B ends the chat job failed owner-lost with the partial text', async () => {
    const backend = createBackend()
    const a = createNode(backend, 'A', { chat: words(1_000) })
    const b = createNode(backend, 'B', {})
    const { job } = await a.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(410)
    await a.engine.dispose({ handOff: true })
    await vi.advanceTimersByTimeAsync(1_100) // B's periodic recovery
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state.status).toBe('failed')
    expect(state.error).toMatchObject({ code: 'owner-lost' })
    expect(state.content).toBe(wordsText(20))
    await b.engine.dispose()
  })

  it('A goes away while a workflow waits: B resumes it, no finished node runs twice', async () => {
    const backend = createBackend()
    const a = createNode(backend, 'A', {})
    const b = createNode(backend, 'B', {})
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'resumable', input: {} } })
    await vi.advanceTimersByTimeAsync(100)
    expect((await b.engine.getJob('u1', job.id)).state.status).toBe('waiting')
    await a.engine.dispose() // workflows are handed off at shutdown
    expect(await b.engine.recover()).toBe(1)
    await vi.advanceTimersByTimeAsync(100)
    const { state: resumed } = await b.engine.getJob('u1', job.id)
    expect(resumed.status).toBe('waiting')
    expect(resumed.pendingInputs).toHaveLength(1)
    await b.engine.answerInput('u1', job.id, { requestId: resumed.pendingInputs[0]!.requestId, answer: { go: true } })
    await vi.advanceTimersByTimeAsync(100)
    await b.engine.whenSettled(job.id)
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state.status).toBe('completed')
    expect(counterCalls).toBe(1)
    expect(state.content).toContain('finished after 1 count')
    expect(state.executionOrder.filter(node => node === 'count')).toHaveLength(1)
    await b.engine.dispose()
  })

  it('a stale A (lease taken over) cannot append after B took over', async () => {
    const backend = createBackend()
    // A stuck owner: its heartbeats claim success but never reach the store (a long pause).
    const a = createNode(backend, 'A', { chat: words(1_000) }, provider => ({ ...provider, heartbeatLease: async () => true }))
    const b = createNode(backend, 'B', {})
    const { job } = await a.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(4_500) // past the 3 s lease: B's recovery takes over
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state.error).toMatchObject({ code: 'owner-lost' })
    const frozen = state.content
    await vi.advanceTimersByTimeAsync(2_000) // A keeps producing text: every write is refused
    await a.engine.whenSettled(job.id)
    expect(a.engine.stats().runs).toBe(0)
    expect((await b.engine.getJob('u1', job.id)).state.content).toBe(frozen)
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })

  it('write batching: a 30 s stream at 50 chunks/s makes ~60 writes and stores about the text length', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    let writes = 0
    let storedBytes = 0
    const counting: JobProvider = {
      ...provider,
      async appendEvents(id, events, options) {
        writes++
        storedBytes += JSON.stringify(events).length
        return await provider.appendEvents(id, events, options)
      },
    }
    const text = 'abcdef'
    const engine = createEngine({
      provider: counting,
      instanceId: 'A',
      getConfig: () => config,
      createModelClient: () => unusedModel,
      runners: {
        async chat(context) {
          for (let index = 0; index < 1_500; index++) {
            await wait(20, context.signal)
            context.text(text)
          }
        },
      },
      tools: createToolRegistry([]),
      workflows: createWorkflowRegistry([]),
      logger: silentLogger,
    })
    const { job } = await engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(31_000)
    await engine.whenSettled(job.id)
    const textLength = 1_500 * text.length
    // 60 interval writes + the boundary writes (running, end); never one per chunk (1,500).
    expect(writes).toBeLessThanOrEqual(64)
    expect(writes).toBeGreaterThanOrEqual(55)
    expect(storedBytes).toBeLessThan(textLength * 1.6)
    expect((await provider.getState(job.id))!.content.length).toBe(textLength)
    await engine.dispose()
  })
})
