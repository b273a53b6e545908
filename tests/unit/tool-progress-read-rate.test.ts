/**
 * Snapshot reads do not store a call's progress sooner than its 250 ms (docs/tool-progress.md#cost,
 * decision 30): a client polling `GET /api/jobs/:id`, or viewers joining, 10 times a second while a
 * tool reports continuously stored an update at every read — up to 10 a second per call. A read
 * now commits only the updates that are due; the others reach a joined viewer live once stored.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import type { JobEvent } from '../../shared/events'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { PROGRESS_INTERVAL_MS } from '../../server/lib/pending-progress'
import type { RunContext } from '../../server/lib/run-context'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { chatRequest, createRecordingSink, createTestEngine, wait } from '../support/engine-harness'

/** Reports every 10 ms for 10 s, then returns 100 ms after its last update. */
const ticker = defineTool({
  name: 'ticker',
  description: 'Reports progress every 10 ms for 10 s.',
  parameters: z.object({}),
  timeoutMs: 60_000,
  async execute(_args, { progress, signal }) {
    for (let tick = 1; tick <= 1_000; tick++) {
      progress({ message: `tick ${tick}`, fraction: tick / 1_000 })
      await wait(10, signal)
    }
    await wait(100, signal)
    return { ticks: 1_000 }
  },
})

async function tick(context: RunContext) {
  await executeToolCall(context, { id: 'call-1', name: 'ticker', args: {}, step: 1 })
}

const progressEvents = (events: JobEvent[]) => events.filter(event => event.type === 'tool-progress')

describe('progress stored while snapshots are read', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it.each([
    ['GET /api/jobs/:id polled', 'get'],
    ['a viewer joining', 'viewer'],
  ] as const)('%s 10 times a second stores at most one update per 250 ms', async (_name, read) => {
    const { engine, provider } = createTestEngine({ runners: { chat: tick }, tools: createToolRegistry([ticker]) })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    const viewers: Array<{ detach: () => void }> = []
    /** The tick a GET showed, and the tool's latest tick at that time (one every 10 ms from the start). */
    const polled: Array<{ shown: number, latest: number }> = []
    for (let poll = 1; poll <= 95; poll++) {
      await vi.advanceTimersByTimeAsync(100)
      if (read === 'viewer') {
        viewers.push(await engine.attachViewer('u1', job.id, createRecordingSink(), null))
        continue
      }
      const shown = (await engine.getJob('u1', job.id)).state.toolCalls[0]?.progress?.message
      if (shown) polled.push({ shown: Number(shown.slice('tick '.length)), latest: poll * 10 })
    }
    const late = createRecordingSink()
    await engine.attachViewer('u1', job.id, late, null)
    await vi.advanceTimersByTimeAsync(1_000)
    await engine.whenSettled(job.id)
    for (const viewer of viewers) viewer.detach()

    const stored = progressEvents((await provider.readEvents(job.id, 0))!.events)
    // Before: one at every read besides the window's (over 100 in the 10 s).
    expect(stored.length).toBeLessThanOrEqual(41)
    expect(stored.length).toBeGreaterThanOrEqual(39)
    const gaps = stored.slice(1).map((event, index) => event.at - stored[index]!.at)
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(PROGRESS_INTERVAL_MS)
    // Every second holds at most 4.
    for (const event of stored) expect(stored.filter(other => other.at >= event.at && other.at < event.at + 1_000).length).toBeLessThanOrEqual(4)
    // What a GET shows is the stored log: at most one interval and a window behind the tool.
    if (read === 'get') {
      expect(polled.length).toBeGreaterThan(90)
      for (const { shown, latest } of polled) expect(latest - shown).toBeLessThanOrEqual((PROGRESS_INTERVAL_MS + 50) / 10 + 1)
    }
    // The viewer that joined last got the latest stored update: in its snapshot or live after it.
    const seen = late.frames.flatMap(frame => frame.event === 'snapshot'
      ? [(frame.data as { toolCalls: Array<{ progress?: { message: string } }> }).toolCalls[0]?.progress?.message]
      : frame.event === 'tool-progress' ? [(frame.data as { message: string }).message] : [])
    expect(seen.filter(Boolean).at(-1)).toBe((stored.at(-1) as { message: string }).message)
  })
})
