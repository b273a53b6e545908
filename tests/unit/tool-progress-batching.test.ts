/**
 * A tool's `ctx.progress` through a real engine (memory provider, fake timers): updates are merged
 * — a tool calling it in a tight loop adds at most one `tool-progress` per 250 ms (counted in
 * tool-progress-stored-rate) — the latest goes out when its interval passed, none follows the
 * call's `tool-result` (not even one the tool makes after it returned), and a viewer that joins mid-call finds the latest in its snapshot
 * and never gets a progress event twice.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import type { JobEvent } from '../../shared/events'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import type { RunContext } from '../../server/lib/run-context'
import { createToolRegistry } from '../../server/lib/tools/registry'
import type { ToolContext } from '../../server/lib/tools/types'
import { defineTool } from '../../server/utils/define-tool'
import { chatRequest, createRecordingSink, createTestEngine, wait } from '../support/engine-harness'

/** The `progress` of the crawler's last call, kept to call after it returned. */
let kept: ToolContext['progress'] | null = null

/** 100 rounds 10 ms apart, each reporting 1,000 updates in a tight loop (100,000 in 1 s). */
const crawler = defineTool({
  name: 'crawler',
  description: 'Reports progress in a tight loop.',
  parameters: z.object({}),
  timeoutMs: 60_000,
  async execute(_args, { progress, signal }) {
    kept = progress
    for (let round = 1; round <= 100; round++) {
      await wait(10, signal)
      for (let update = 1; update <= 1_000; update++) progress({ message: `round ${round} update ${update}`, fraction: (round * 1_000 + update) / 101_000 })
    }
    progress({ message: 'writing the report', fraction: 1 })
    await wait(100, signal)
    // Superseded by the result in the same window: dropped.
    progress('done')
    return { rounds: 100 }
  },
})

async function crawl(context: RunContext) {
  await executeToolCall(context, { id: 'call-1', name: 'crawler', args: {}, step: 1 })
  // After the call returned: ignored.
  kept?.('too late')
  await wait(100, context.signal)
}

function progressEvents(events: JobEvent[]) {
  return events.filter(event => event.type === 'tool-progress')
}

describe('tool progress merged', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    kept = null
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('merges a tight loop to a few events, the latest last, none after the result', async () => {
    const { engine, provider } = createTestEngine({ runners: { chat: crawl }, tools: createToolRegistry([crawler]) })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    const early = createRecordingSink()
    await engine.attachViewer('u1', job.id, early, null)
    await vi.advanceTimersByTimeAsync(2_000)
    await engine.whenSettled(job.id)

    const stored = (await provider.readEvents(job.id, 0))!.events
    const progress = progressEvents(stored)
    // 100,000 updates in 1 s: the first, then the latest every 250 ms (tool-progress-stored-rate), never one per update.
    expect(progress.length).toBeGreaterThanOrEqual(4)
    expect(progress.length).toBeLessThanOrEqual(5)
    const resultAt = stored.findIndex(event => event.type === 'tool-result')
    expect(stored.slice(resultAt).some(event => event.type === 'tool-progress')).toBe(false)
    // The latest goes out once its interval passed; one the result follows within its interval does not.
    expect(progress.at(-1)).toMatchObject({ id: 'call-1', message: 'writing the report', fraction: 1 })
    // Each stored event is the latest update then: the last of a round (each round's loop is one turn).
    for (const event of progress.slice(0, -1)) expect(event).toMatchObject({ message: expect.stringMatching(/^round \d+ update 1000$/) })
    // What the viewer saw is what was stored; the call keeps its last progress with its result (decision 43).
    expect(progressEvents(early.frames.map(frame => frame.data as JobEvent)).map(event => event.seq)).toEqual(progress.map(event => event.seq))
    expect(early.state()!.toolCalls[0]).toMatchObject({ status: 'completed' })
    expect(early.state()!.toolCalls[0]!.progress).toMatchObject({ message: 'writing the report', fraction: 1 })
  })

  it('a viewer that joins mid-call gets the latest progress in its snapshot, then only later updates', async () => {
    const { engine } = createTestEngine({ runners: { chat: crawl }, tools: createToolRegistry([crawler]) })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    // Mid-window: 5 ms into round 31's window, its updates not committed yet.
    await vi.advanceTimersByTimeAsync(305)
    const late = createRecordingSink()
    await engine.attachViewer('u1', job.id, late, null)
    const snapshot = late.frames[0]!
    expect(snapshot.event).toBe('snapshot')
    const joined = (snapshot.data as { toolCalls: Array<{ progress?: { message: string } }> }).toolCalls[0]!.progress
    expect(joined?.message).toMatch(/^round \d+ update 1000$/)
    await vi.advanceTimersByTimeAsync(2_000)
    await engine.whenSettled(job.id)
    const seqs = late.frames.slice(1).map(frame => frame.id)
    expect(new Set(seqs).size).toBe(seqs.length)
    expect(Math.min(...seqs)).toBeGreaterThan(snapshot.id)
    expect(late.state()!.toolCalls[0]).toMatchObject({ status: 'completed' })
  })
})
