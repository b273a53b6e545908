/**
 * A tool's progress with the Convex provider (the real `convex/` functions through convex-test):
 * the same event path as every event — the owner stores its merged `tool-progress` events in its
 * batches, a viewer on another instance follows them by subscription, and one that joins there
 * later finds the latest in its snapshot; once the call returned, the call shows none.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { resolveConfig } from '../../server/lib/config'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { defineTool } from '../../server/utils/define-tool'
import { createRecordingSink, wait } from '../support/engine-harness'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true } })

/** Reports twice, then runs until `release`. */
let release: () => void = () => {}
const crawler = defineTool({
  name: 'crawler',
  description: 'Reports progress, then waits to be released.',
  parameters: z.object({}),
  timeoutMs: 60_000,
  async execute(_args, { progress, signal }) {
    progress({ message: 'Fetched 1 of 2 pages', fraction: 0.5 })
    await wait(200, signal)
    progress({ message: 'Fetched 2 of 2 pages', fraction: 1 })
    await new Promise<void>(resolve => (release = resolve))
    return { pages: 2 }
  },
})

describe('tool progress on Convex', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is stored, followed from another instance, and in a late viewer\'s snapshot', async () => {
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config, tools: [crawler], chat: async (context) => {
      await executeToolCall(context, { id: 'c1', name: 'crawler', args: {}, step: 1 })
    } })
    const b = createEngineNode(backend, { instanceId: 'B', config })
    const { job } = await a.engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'crawl' }] } })
    await vi.advanceTimersByTimeAsync(50)
    const follower = createRecordingSink()
    await b.engine.attachViewer('u1', job.id, follower, null)
    await vi.advanceTimersByTimeAsync(2_000)

    const stored = (await a.provider.readEvents(job.id, 0))!.events.filter(event => event.type === 'tool-progress')
    expect(stored.map(event => event.message)).toEqual(['Fetched 1 of 2 pages', 'Fetched 2 of 2 pages'])
    expect(follower.state()!.toolCalls[0]).toMatchObject({ status: 'running', progress: { message: 'Fetched 2 of 2 pages', fraction: 1 } })
    const late = createRecordingSink()
    await b.engine.attachViewer('u1', job.id, late, null)
    expect(late.frames[0]!.event).toBe('snapshot')
    expect(late.state()!.toolCalls[0]!.progress).toMatchObject({ message: 'Fetched 2 of 2 pages', fraction: 1 })

    release()
    await vi.advanceTimersByTimeAsync(2_000)
    await a.engine.whenSettled(job.id)
    await vi.advanceTimersByTimeAsync(2_000)
    expect(follower.state()).toMatchObject({ status: 'completed' })
    // The ended call keeps its last update (decision 43), as on Redis.
    expect(follower.state()!.toolCalls[0]!.progress).toMatchObject({ message: 'Fetched 2 of 2 pages', fraction: 1 })
    const seqs = follower.frames.map(frame => frame.id)
    expect(new Set(seqs).size).toBe(seqs.length)
    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
