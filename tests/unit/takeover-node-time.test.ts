/**
 * A workflow node's time limit (`limits.nodeTimeoutMs`) holds across a takeover: two engines share
 * one memory provider (fake timers). A tool node that had worked 60 s of its 100 s when its owner
 * handed the job off gets the 40 s left on the new owner, not 100 s more. `nodeTimeUsed` reads what
 * a cut-off visit used from the log, on the job's clock, its waits for a human left out.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { nodeTimeUsed } from '../../server/lib/workflows/node-time-used'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import type { AnsweredInput, JobState, PendingInput } from '../../shared/reducer'
import { createJobState } from '../../shared/reducer'
import { createSharedMemoryEngine, sharedMemory } from '../support/shared-memory'

const config = resolveConfig({ lease: { durationMs: 3_000, heartbeatMs: 1_000 }, limits: { jobTimeoutMs: 3_600_000, nodeTimeoutMs: 100_000 } })
let calls = 0
/** A tool that works until its signal fires. */
const crawl = defineTool({
  name: 'crawl',
  description: 'Crawls',
  parameters: z.object({}),
  timeoutMs: 1_000_000,
  execute: (_args, ctx) => {
    calls++
    return new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true }))
  },
})
const crawling = defineWorkflow({
  name: 'crawling',
  description: 'crawl → done',
  input: z.object({}),
  nodes: {
    crawl: { kind: 'tool', tool: 'crawl', args: {} },
    done: { kind: 'output', value: 'done' },
  },
  edges: [['crawl', 'done']],
})

describe('a workflow node taken over keeps its time limit', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    calls = 0
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('gives a tool node run again what was left of limits.nodeTimeoutMs', async () => {
    const store = createMemoryProvider()
    const [a, b] = ['a', 'b'].map(instanceId => createSharedMemoryEngine({ provider: sharedMemory(store), instanceId, config, tools: [crawl], workflows: [crawling] }))
    const { job } = await a!.createJob('u1', { request: { type: 'workflow', workflow: 'crawling', input: {} } })
    await vi.advanceTimersByTimeAsync(60_000)
    await a!.dispose() // a rolling deploy hands the job off, 60 s into the node
    expect(await b!.recover()).toBe(1)
    await vi.advanceTimersByTimeAsync(39_000)
    expect(calls).toBe(2)
    expect((await b!.getJob('u1', job.id)).state.status).toBe('running')
    // Before: running until 100 s after the takeover.
    await vi.advanceTimersByTimeAsync(2_000)
    await b!.whenSettled(job.id)
    const { state } = await b!.getJob('u1', job.id)
    expect(state).toMatchObject({ status: 'failed', error: { code: 'node-timeout', nodeId: 'crawl' } })
    expect(state.error!.message).toContain('counted across the instances that ran it')
    await b!.dispose()
  })

  it('fails a node that used up its time before the takeover without running it again', async () => {
    const store = createMemoryProvider()
    const engine = (instanceId: string) => createSharedMemoryEngine({ provider: sharedMemory(store), instanceId, config, tools: [crawl], workflows: [crawling] })
    const a = engine('a')
    const { job } = await a.createJob('u1', { request: { type: 'workflow', workflow: 'crawling', input: {} } })
    await vi.advanceTimersByTimeAsync(90_000)
    await a.dispose()
    // No instance takes it over until its node's time is gone (the time without an owner counts, as for the job's limit).
    await vi.advanceTimersByTimeAsync(20_000)
    const b = engine('b')
    expect(await b.recover()).toBe(1)
    await b.whenSettled(job.id)
    expect((await b.getJob('u1', job.id)).state).toMatchObject({ status: 'failed', error: { code: 'node-timeout', nodeId: 'crawl' } })
    expect(calls).toBe(1)
    await b.dispose()
  })
})

describe('nodeTimeUsed', () => {
  const question = (requestId: string, askedAtJobMs: number, requestedAt: number): PendingInput => ({ requestId, kind: 'tool-approval', prompt: 'ok?', expiresAt: 0, onTimeout: 'deny', nodeId: 'n', askedAtJobMs, requestedAt })
  const answered = (input: PendingInput, answeredAt: number, answeredBy = 'u1'): AnsweredInput => ({ ...input, answer: 'approve', answeredAt, answeredBy })
  function stateWith(node: Partial<JobState['nodeStates'][string]>, pending: PendingInput[], done: AnsweredInput[]): JobState {
    return { ...createJobState({ id: 'j', type: 'workflow', createdAt: 0 }), nodeStates: { n: { nodeId: 'n', kind: 'agent', status: 'waiting', startedAt: 0, ...node } }, pendingInputs: pending, answeredInputs: done }
  }

  it('leaves out the waits for a human, overlapping ones once, an open one until the takeover', () => {
    // Started at job age 10 s; two approvals asked at 20 s and 25 s, answered 30 s and 35 s later
    // (on their asker's wall clock); one asked at 90 s still open.
    const first = answered(question('a', 20_000, 1_000_020_000), 1_000_050_000)
    const second = answered(question('b', 25_000, 1_000_025_000), 1_000_060_000)
    const open = question('c', 90_000, 1_000_090_000)
    // From 10 s to 120 s (110 s), less 20 s → 60 s (the two waits overlap: 40 s) and 90 s → 120 s (open: 30 s).
    expect(nodeTimeUsed(stateWith({ startedAtJobMs: 10_000 }, [open], [first, second]), 'n', 120_000)).toBe(110_000 - 40_000 - 30_000)
  })

  it('adds what earlier attempts used, and counts a wait voided by a takeover until this one', () => {
    const voided = answered(question('a', 50_000, 7_000), 9_999_999, 'system:owner-lost')
    expect(nodeTimeUsed(stateWith({ startedAtJobMs: 40_000, usedMs: 15_000 }, [], [voided]), 'n', 80_000)).toBe(15_000 + 10_000)
  })

  it('is 0 for a node an earlier version started (no startedAtJobMs), or none', () => {
    expect(nodeTimeUsed(stateWith({}, [], []), 'n', 80_000)).toBe(0)
    expect(nodeTimeUsed(null, 'n', 80_000)).toBe(0)
  })
})
