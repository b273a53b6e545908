/**
 * On Convex (convex-test, fake timers: the deployment's clock among them), a workflow's limits hold
 * when its owner dies and another instance takes the job over as its lease lapses (decision 35):
 * an agent node goes on counting its rounds for its `maxSteps`, a tool node gets what is left of
 * `limits.nodeTimeoutMs`, and a question asked again keeps the deadline it was first asked with.
 * The owner "dies" by renewing its lease only in its own eyes (its heartbeats never reach the store).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import type { JobProvider } from '../../server/lib/providers/types'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { createStepModel, hangingStep, textStep, toolStep } from '../support/step-model'
import { createBackend } from './backend'
import { askWorkflow, createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 }, limits: { jobTimeoutMs: 3_600_000, nodeTimeoutMs: 100_000, inputTimeoutMs: 60_000 } })
const dies = (provider: JobProvider): JobProvider => ({ ...provider, heartbeatLease: async () => true })
let crawls = 0
const lookup = defineTool({ name: 'lookup', description: 'Looks up', parameters: z.object({ round: z.number() }), execute: ({ round }) => `found ${round}` })
const crawl = defineTool({ name: 'crawl', description: 'Crawls', parameters: z.object({}), timeoutMs: 1_000_000, execute: (_args, ctx) => {
  crawls++
  return new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true }))
} })
const research = defineWorkflow({
  name: 'research',
  description: 'research → done',
  input: z.object({}),
  nodes: {
    research: { kind: 'agent', instructions: 'Research.', tools: ['lookup'], maxSteps: 3 },
    crawl: { kind: 'tool', tool: 'crawl', args: {} },
    done: { kind: 'output', value: 'done' },
  },
  edges: [['research', 'crawl'], ['crawl', 'done']],
})
const lookupRound = (round: number) => toolStep([{ id: `call_${round}`, name: 'lookup', args: { round } }])
const workflows = [research, askWorkflow]
const tools = [lookup, crawl]

describe('a workflow taken over on Convex keeps its limits', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    crawls = 0
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('stops an agent node at its maxSteps counted across owners', async () => {
    const backend = createBackend()
    const modelA = createStepModel([lookupRound(1), lookupRound(2), hangingStep()])
    const modelB = createStepModel([lookupRound(4), lookupRound(5), lookupRound(6), textStep('Done.')])
    const a = createEngineNode(backend, { instanceId: 'A', config, tools, workflows, model: modelA, wrap: dies })
    const b = createEngineNode(backend, { instanceId: 'B', config, tools, workflows, model: modelB })
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'research', input: {} } })
    await vi.advanceTimersByTimeAsync(6_000)
    await b.engine.whenSettled(job.id)
    await b.facade.settled()
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state).toMatchObject({ status: 'failed', epoch: 2, error: { code: 'max-steps', nodeId: 'research' } })
    // Before: 3 rounds on B (the node started again at step 1).
    expect(modelB.requests).toHaveLength(1)
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })

  it('gives a tool node run again what is left of limits.nodeTimeoutMs', async () => {
    const backend = createBackend()
    const model = () => createStepModel([textStep('Found it.')])
    const a = createEngineNode(backend, { instanceId: 'A', config, tools, workflows, model: model(), wrap: dies })
    const b = createEngineNode(backend, { instanceId: 'B', config, tools, workflows, model: model() })
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'research', input: {} } })
    await vi.advanceTimersByTimeAsync(10_000)
    expect(crawls).toBe(2) // A's, cut off; B's, run again
    await vi.advanceTimersByTimeAsync(88_000)
    expect((await b.engine.getJob('u1', job.id)).state.status).toBe('running')
    // 100 s after the node first started (before: 100 s after the takeover, at about 104 s).
    await vi.advanceTimersByTimeAsync(3_000)
    await b.engine.whenSettled(job.id)
    await b.facade.settled()
    expect((await b.engine.getJob('u1', job.id)).state).toMatchObject({ status: 'failed', epoch: 2, error: { code: 'node-timeout', nodeId: 'crawl' } })
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })

  it('asks a question again with the deadline it was first asked with', async () => {
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config, tools, workflows, wrap: dies })
    const b = createEngineNode(backend, { instanceId: 'B', config, tools, workflows })
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
    const [first] = (await a.engine.getJob('u1', job.id)).state.pendingInputs
    await vi.advanceTimersByTimeAsync(6_000)
    await b.facade.settled()
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state).toMatchObject({ status: 'waiting', epoch: 2 })
    const [again] = state.pendingInputs
    expect(again!.requestId).not.toBe(first!.requestId)
    // Before: a whole 60 s from the takeover.
    expect(again!.expiresAt).toBeLessThanOrEqual(first!.expiresAt)
    expect(again!.expiresAt - again!.requestedAt).toBeLessThanOrEqual(57_000)
    await b.engine.abortJob('u1', job.id)
    await b.engine.whenSettled(job.id)
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })
})
