/**
 * Every way a job (or a viewer of it) can end leaves the engine holding nothing for it: no run,
 * timer, batching window, pending input, viewer, heartbeat, listener on the job's signal, live
 * job-status gauge, and — once retention passed — no job, event or idempotency key in the store.
 */
import { getEventListeners } from 'node:events'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import type { BackgroundJobsEngine } from '../../server/lib/engine'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { useMetrics } from '../../server/lib/metrics'
import type { RunContext } from '../../server/lib/run-context'
import type { ChatJobRequest } from '../../server/lib/providers/types'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import type { RecordingSink } from '../support/engine-harness'
import { createRecordingSink, createTestEngine } from '../support/engine-harness'
import type { ModelStep } from '../support/step-model'
import { createStepModel, hangingStep, textStep, toolStep } from '../support/step-model'

const RETENTION_MS = 10_000

const tools = createToolRegistry([
  defineTool({ name: 'ok', description: 'Answers', parameters: z.object({}), execute: () => 'fine' }),
  defineTool({ name: 'throws', description: 'Throws', parameters: z.object({}), execute: () => {
    throw new Error('tool broke')
  } }),
  // Ignores its signal: only the tool time limit ends it.
  defineTool({ name: 'hangs', description: 'Hangs', parameters: z.object({}), timeoutMs: 1_000, execute: () => new Promise(() => {}) }),
  defineTool({ name: 'approve', description: 'Needs approval', parameters: z.object({}), needsApproval: true, execute: () => 'approved and ran' }),
])

interface EndPath {
  name: string
  steps: ModelStep[]
  /** What happens once the job is under way (a viewer is attached and 100 ms have passed). */
  act?: (world: { engine: BackgroundJobsEngine, jobId: string, sink: RecordingSink, detach: () => void }) => Promise<void>
  status: 'completed' | 'failed' | 'aborted'
  /** Whether the viewer stays to the end (it gets the `job-end` and is closed). */
  viewerLeaves?: boolean
  config?: Parameters<typeof createTestEngine>[0]['config']
}

async function answerPending(engine: BackgroundJobsEngine, jobId: string, answer: unknown) {
  const { state } = await engine.getJob('u1', jobId)
  const requestId = state.pendingInputs[0]!.requestId
  await engine.answerInput('u1', jobId, { requestId, answer })
}

const paths: EndPath[] = [
  { name: 'completed', steps: [textStep('hello')], status: 'completed' },
  { name: 'completed after a tool round', steps: [toolStep([{ name: 'ok' }]), textStep('done')], status: 'completed' },
  { name: 'failed: model error', steps: [new Error('upstream exploded')], status: 'failed' },
  { name: 'failed: tool throw (model answers after it)', steps: [toolStep([{ name: 'throws' }]), textStep('sorry')], status: 'completed' },
  { name: 'tool timeout', steps: [toolStep([{ name: 'hangs' }]), textStep('gave up')], status: 'completed', act: async () => {
    await vi.advanceTimersByTimeAsync(1_500)
  } },
  { name: 'aborted by the user', steps: [hangingStep()], status: 'aborted', act: async ({ engine, jobId }) => {
    await engine.abortJob('u1', jobId)
  } },
  { name: 'job time limit', steps: [hangingStep()], status: 'failed', config: { limits: { jobTimeoutMs: 2_000 } }, act: async () => {
    await vi.advanceTimersByTimeAsync(2_500)
  } },
  { name: 'waiting, then answered', steps: [toolStep([{ name: 'approve' }]), textStep('done')], status: 'completed', act: async ({ engine, jobId }) => {
    await answerPending(engine, jobId, 'approve')
  } },
  { name: 'waiting, then aborted', steps: [toolStep([{ name: 'approve' }])], status: 'aborted', act: async ({ engine, jobId }) => {
    await engine.abortJob('u1', jobId)
  } },
  { name: 'waiting, then expired', steps: [toolStep([{ name: 'approve' }]), textStep('denied')], status: 'completed', config: { limits: { inputTimeoutMs: 1_000 } }, act: async () => {
    await vi.advanceTimersByTimeAsync(1_500)
  } },
  { name: 'its thread deleted while it runs (refused for it), then completed', steps: [toolStep([{ name: 'hangs' }]), textStep('done')], status: 'completed', act: async ({ engine, jobId }) => {
    expect(await engine.deleteThread('u1', 't1')).toEqual({ deleted: [], active: [jobId], more: false })
    await vi.advanceTimersByTimeAsync(1_500)
  } },
  { name: 'viewer disconnects mid-stream', steps: [toolStep([{ name: 'hangs' }]), textStep('done')], status: 'completed', viewerLeaves: true, act: async ({ detach }) => {
    detach()
    await vi.advanceTimersByTimeAsync(1_500)
  } },
]

describe('every end path releases what the job held', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    useMetrics().reset()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it.each(paths)('$name', async (path) => {
    const model = createStepModel(path.steps)
    let signal: AbortSignal | null = null
    const { engine, provider } = createTestEngine({
      model,
      tools,
      config: { limits: { retentionMs: RETENTION_MS, ...path.config?.limits } },
      runners: {
        chat: (context: RunContext, request: ChatJobRequest) => {
          signal = context.signal
          return runChatJob(context, request)
        },
      },
    })
    const { job } = await engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'go' }], tools: ['ok', 'throws', 'hangs', 'approve'] }, idempotencyKey: 'k1', threadId: 't1' })
    // An idempotent retry of the create holds nothing more.
    expect((await engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'go' }], tools: ['ok', 'throws', 'hangs', 'approve'] }, idempotencyKey: 'k1', threadId: 't1' })).created).toBe(false)
    const sink = createRecordingSink()
    const attachment = await engine.attachViewer('u1', job.id, sink, null)
    await vi.advanceTimersByTimeAsync(100)
    await path.act?.({ engine, jobId: job.id, sink, detach: attachment.detach })
    await vi.advanceTimersByTimeAsync(100)
    await engine.whenSettled(job.id)

    expect((await engine.getJob('u1', job.id)).state.status).toBe(path.status)
    if (!path.viewerLeaves) {
      expect(sink.closed).toBe(true)
      expect(sink.frames.at(-1)?.event).toBe('job-end')
    }
    attachment.detach()
    expect(engine.stats()).toMatchObject({ runs: 0, viewers: 0, remoteFeeds: 0, jobTimers: 0, pendingInputs: 0, unpersistedEvents: 0, notificationSinks: 0 })
    // The retention cleanup interval only.
    expect(engine.stats().engineTimers).toBe(1)
    expect(getEventListeners(signal!, 'abort')).toHaveLength(0)
    expect(useMetrics().snapshot().jobsByStatus).toEqual({ queued: 0, running: 0, waiting: 0 })

    vi.setSystemTime(Date.now() + RETENTION_MS * 2)
    await vi.advanceTimersByTimeAsync(engine.getConfig().limits.cleanupIntervalMs)
    expect(provider.stats()).toMatchObject({ jobs: 0, events: 0, idempotencyKeys: 0, users: 0, listeners: 0, threads: 0 })
    expect(engine.stats().notificationUsers).toBe(0)
    await engine.dispose()
    expect(engine.stats().engineTimers).toBe(0)
  })
})

const questions = defineWorkflow({
  name: 'questions',
  description: 'two questions at once (one fails its branch when it expires), then a tool that hangs',
  input: z.object({}),
  nodes: {
    fan: { kind: 'parallel', branches: ['left', 'right'] },
    left: { kind: 'input', prompt: 'Left?', schema: z.object({ ok: z.boolean() }), onTimeout: 'fail', timeoutMs: 1_000 },
    right: { kind: 'input', prompt: 'Right?', schema: z.object({ ok: z.boolean() }), onTimeout: 'fail', timeoutMs: 60_000 },
    done: { kind: 'output', value: 'done' },
  },
  edges: [['fan', 'done']],
})

interface WorkflowPath {
  name: string
  act: (world: { engine: BackgroundJobsEngine, jobId: string }) => Promise<void>
  status: 'completed' | 'failed' | 'aborted'
}

async function answerNode(engine: BackgroundJobsEngine, jobId: string, nodeId: string) {
  const { state } = await engine.getJob('u1', jobId)
  const requestId = state.pendingInputs.find(input => input.nodeId === nodeId)!.requestId
  await engine.answerInput('u1', jobId, { requestId, answer: { ok: true } })
}

const workflowPaths: WorkflowPath[] = [
  { name: 'waiting, then answered', status: 'completed', act: async ({ engine, jobId }) => {
    await answerNode(engine, jobId, 'left')
    await answerNode(engine, jobId, 'right')
  } },
  { name: 'waiting, then aborted', status: 'aborted', act: async ({ engine, jobId }) => {
    await engine.abortJob('u1', jobId)
  } },
  { name: 'waiting, then one question expired (its sibling withdrawn)', status: 'failed', act: async () => {
    await vi.advanceTimersByTimeAsync(1_500)
  } },
]

describe('every end path of a waiting workflow releases what the job held', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    useMetrics().reset()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it.each(workflowPaths)('$name', async (path) => {
    const { engine, provider } = createTestEngine({
      workflows: createWorkflowRegistry([questions]),
      config: { limits: { retentionMs: RETENTION_MS } },
      runners: { chat: runChatJob, workflow: runWorkflowJob },
    })
    const { job } = await engine.createJob('u1', { request: { type: 'workflow', workflow: 'questions', input: {} } })
    const sink = createRecordingSink()
    await engine.attachViewer('u1', job.id, sink, null)
    await vi.advanceTimersByTimeAsync(100)
    expect(engine.stats().pendingInputs).toBe(2)
    await path.act({ engine, jobId: job.id })
    await vi.advanceTimersByTimeAsync(100)
    await engine.whenSettled(job.id)

    expect((await engine.getJob('u1', job.id)).state.status).toBe(path.status)
    expect(sink.closed).toBe(true)
    expect(engine.stats()).toMatchObject({ runs: 0, viewers: 0, jobTimers: 0, pendingInputs: 0, unpersistedEvents: 0, engineTimers: 1 })
    expect(useMetrics().snapshot().jobsByStatus).toEqual({ queued: 0, running: 0, waiting: 0 })
    vi.setSystemTime(Date.now() + RETENTION_MS * 2)
    await vi.advanceTimersByTimeAsync(engine.getConfig().limits.cleanupIntervalMs)
    expect(provider.stats()).toMatchObject({ jobs: 0, events: 0, users: 0, listeners: 0 })
    expect(engine.stats().notificationUsers).toBe(0)
    await engine.dispose()
    expect(engine.stats().engineTimers).toBe(0)
  })
})
