/**
 * A workflow's tool node runs its tool through the node's own context (workflows/node-context.ts):
 * the tool's `ctx.progress` must reach the job's merging of progress (live-job.ts) through it too — written through
 * `emit`, a tight loop would put one event per update in the log. Real engine, fake timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { defineTool } from '../../server/utils/define-tool'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { wait } from '../support/engine-harness'
import { createWorkflowEngine } from '../support/workflow-engine'

/** 20 rounds 10 ms apart, each 1,000 updates in a tight loop. */
const crawler = defineTool({
  name: 'crawler',
  description: 'Reports progress in a tight loop.',
  parameters: z.object({}),
  async execute(_args, { progress, signal }) {
    for (let round = 1; round <= 20; round++) {
      await wait(10, signal)
      for (let update = 1; update <= 1_000; update++) progress({ message: `round ${round} update ${update}`, fraction: round / 20 })
    }
    progress('writing the report')
    await wait(100, signal)
    return { rounds: 20 }
  },
})

const crawl = defineWorkflow({
  name: 'crawl',
  description: 'crawls',
  input: z.object({}),
  nodes: { fetch: { kind: 'tool', tool: 'crawler' }, done: { kind: 'output', value: 'crawled' } },
  edges: [['fetch', 'done']],
})

describe('tool progress in a workflow\'s tool node', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is merged like a chat\'s tool progress, tagged with the node', async () => {
    const workflows = createWorkflowEngine([crawl], { tools: [crawler] })
    const id = await workflows.start('crawl')
    await vi.advanceTimersByTimeAsync(1_000)
    await workflows.engine.whenSettled(id)
    const events = (await workflows.provider.readEvents(id, 0))!.events
    const progress = events.filter(event => event.type === 'tool-progress')
    // 20,001 updates in about 200 ms: the first, and the latest 250 ms later (at most one per 250 ms).
    expect(progress.length).toBeGreaterThanOrEqual(2)
    expect(progress.length).toBeLessThanOrEqual(3)
    expect(progress.every(event => event.nodeId === 'fetch')).toBe(true)
    expect(progress.at(-1)).toMatchObject({ message: 'writing the report' })
    expect(await workflows.state(id)).toMatchObject({ status: 'completed' })
  })
})
