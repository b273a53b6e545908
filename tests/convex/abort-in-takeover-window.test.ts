/**
 * An abort sent while the job's owner is dead (its lease not yet lapsed) is stored as a control;
 * the instance that takes the job over must act on it before it runs anything: the workflow's
 * tool node the lost owner was in does not start a second time after the user's abort.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { createStepModel, hangingStep, textStep } from '../support/step-model'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, workflows: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
/** How often the tool started: a side effect that must happen once. */
let started = 0
const slow = defineTool({ name: 'slow', description: 'Takes a minute', parameters: z.object({}), execute: (_args, { signal }) => {
  started++
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve('done'), 60_000)
    signal.addEventListener('abort', () => {
      clearTimeout(timer)
      reject(signal.reason)
    }, { once: true })
  })
} })
const flow = defineWorkflow({
  name: 'slow-flow',
  description: 'work → done',
  input: z.object({}),
  nodes: {
    work: { kind: 'tool', tool: 'slow', args: {} },
    done: { kind: 'output', value: 'done' },
  },
  edges: [['work', 'done']],
})

describe('an abort sent while nobody owns the job', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is acted on before the new owner starts anything', async () => {
    started = 0
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config, tools: [slow], workflows: [flow], wrap: provider => ({ ...provider, heartbeatLease: async () => true, subscribeControls: () => () => {} }) })
    const b = createEngineNode(backend, { instanceId: 'B', config, tools: [slow], workflows: [flow] })
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'slow-flow', input: {} } })
    await vi.advanceTimersByTimeAsync(500)
    expect(started).toBe(1)
    const aborting = b.engine.abortJob('u1', job.id).then(() => 'ok', (error: unknown) => error)
    await vi.advanceTimersByTimeAsync(8_000)
    expect(await aborting).toBe('ok')
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state.status).toBe('aborted')
    expect(started).toBe(1)
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })

  it('stops a chat continued after the takeover before its next model round', async () => {
    const continued = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, recovery: { chat: 'continue' } })
    const backend = createBackend()
    const modelB = createStepModel([textStep('Once upon a time')])
    const a = createEngineNode(backend, { instanceId: 'A', config: continued, chat: runChatJob, model: createStepModel([hangingStep()]), wrap: provider => ({ ...provider, heartbeatLease: async () => true, subscribeControls: () => () => {} }) })
    const b = createEngineNode(backend, { instanceId: 'B', config: continued, chat: runChatJob, model: modelB })
    const { job } = await a.engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'A story' }] } })
    await vi.advanceTimersByTimeAsync(500)
    const aborting = b.engine.abortJob('u1', job.id).then(() => 'ok', (error: unknown) => error)
    await vi.advanceTimersByTimeAsync(8_000)
    expect(await aborting).toBe('ok')
    expect((await b.engine.getJob('u1', job.id)).state).toMatchObject({ status: 'aborted', epoch: 2 })
    expect(modelB.requests).toHaveLength(0)
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
