/**
 * How many `tool-progress` events a call stores (docs/tool-progress.md#cost, decision 30): at most
 * one per 250 ms per call — the first update after a quiet interval in the turn it came, later
 * ones merged and the latest stored when the interval allows — however many the tool reports and
 * whatever the batching window. A viewer that joins finds the latest stored update in its
 * snapshot and gets the one still waiting live once its interval passed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import type { JobEvent } from '../../shared/events'
import { createJobState } from '../../shared/reducer'
import { createBatchClock } from '../../server/lib/batch-clock'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { LiveJob } from '../../server/lib/live-job'
import type { PersistQueue } from '../../server/lib/persist-queue'
import { eventBytes } from '../../server/lib/persist-queue'
import type { RunContext } from '../../server/lib/run-context'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { chatRequest, createRecordingSink, createTestEngine, wait } from '../support/engine-harness'

/** 1,000 rounds 10 ms apart, each reporting 100 updates in a tight loop (100,000 in 10 s), then one more 300 ms before the result. */
const surveyor = defineTool({
  name: 'surveyor',
  description: 'Reports progress continuously for 10 s.',
  parameters: z.object({}),
  timeoutMs: 60_000,
  async execute(_args, { progress, signal }) {
    for (let round = 1; round <= 1_000; round++) {
      await wait(10, signal)
      for (let update = 1; update <= 100; update++) progress({ message: `round ${round} update ${update}`, fraction: round / 1_000 })
    }
    await wait(100, signal)
    progress('last before the result')
    await wait(300, signal)
    return { rounds: 1_000 }
  },
})

async function survey(context: RunContext) {
  await executeToolCall(context, { id: 'call-1', name: 'surveyor', args: {}, step: 1 })
}

const progressEvents = (events: JobEvent[]) => events.filter(event => event.type === 'tool-progress')

/** A live job on a real batch clock, its stored events, a running call `call-1`. */
function liveJob(batchWindowMs: number) {
  const stored: JobEvent[] = []
  const persist: PersistQueue = { push: event => stored.push(event), flush: async () => 'stored', sizeOf: eventBytes, maxEventBytes: 65_536, pendingCount: 0, writes: 0, refusal: null, closedWithoutLog: null, ownEndStored: null, droppedFrom: null, storeEnd: async () => 'stored', close: () => {} }
  const clock = createBatchClock()
  const job = new LiveJob({ state: createJobState({ id: 'j1', type: 'chat', createdAt: 0 }), clock, persist, batchWindowMs, now: () => 1 })
  job.commit({ type: 'tool-call', id: 'call-1', name: 'surveyor', args: {}, step: 1 })
  const messages = () => progressEvents(stored).map(event => event.type === 'tool-progress' && event.message)
  return { job, stored, messages, clock }
}

describe('stored progress per call', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('100,000 updates in 10 s store at most 41 events; viewers joining or resuming before the result get the last', async () => {
    const { engine, provider } = createTestEngine({ runners: { chat: survey }, tools: createToolRegistry([surveyor]) })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    // 50 ms after the last update, still inside its interval (the result comes 300 ms after it).
    await vi.advanceTimersByTimeAsync(10_160)
    const late = createRecordingSink()
    await engine.attachViewer('u1', job.id, late, null)
    const snapshot = late.frames[0]!
    expect(snapshot.event).toBe('snapshot')
    // The snapshot holds the latest stored update; the one waiting is not stored sooner for it.
    expect((snapshot.data as { toolCalls: Array<{ progress?: { message: string } }> }).toolCalls[0]!.progress?.message).toBe('round 1000 update 100')
    // One resuming with Last-Event-ID at the same time: of the progress it missed only the first and the latest, then the live tail.
    const resumed = createRecordingSink()
    await engine.attachViewer('u1', job.id, resumed, 2)
    await vi.advanceTimersByTimeAsync(1_000)
    await engine.whenSettled(job.id)

    const stored = (await provider.readEvents(job.id, 0))!.events
    const progress = progressEvents(stored)
    // The 10 s of updates, then the last one, once its interval passed (not sooner for the viewer).
    expect(progress.at(-1)).toMatchObject({ message: 'last before the result' })
    expect(progress.at(-1)!.at - progress.at(-2)!.at).toBeGreaterThanOrEqual(250)
    // Before: one per 50 ms window, 201 (12,000 in 10 minutes).
    expect(progress.length - 1).toBeLessThanOrEqual(41)
    expect(progress.length - 1).toBeGreaterThanOrEqual(39)
    expect(progress.at(-2)).toMatchObject({ message: 'round 1000 update 100' })
    const resultAt = stored.findIndex(event => event.type === 'tool-result')
    expect(stored.slice(resultAt).some(event => event.type === 'tool-progress')).toBe(false)
    // The joining viewer got no progress event twice, and nothing it already had.
    const seqs = late.frames.slice(1).map(frame => frame.id)
    expect(new Set(seqs).size).toBe(seqs.length)
    expect(Math.min(...seqs)).toBeGreaterThan(snapshot.id)
    expect(late.frames.map(frame => frame.data)).toContainEqual(progress.at(-1))
    // Before: every one of the 40 updates it missed.
    expect(resumed.frames.map(frame => frame.id)).toEqual([progress[0]!.seq, ...stored.slice(stored.indexOf(progress.at(-2)!)).map(event => event.seq)])
    expect(resumed.frames.map(frame => frame.data)).toContainEqual(progress.at(-1))
  })

  it('stores the first update after a quiet interval this turn, then the latest once 250 ms passed', async () => {
    const { job, messages, clock } = liveJob(50)
    job.progress({ type: 'tool-progress', id: 'call-1', message: 'first' })
    await vi.advanceTimersByTimeAsync(0)
    expect(messages()).toEqual(['first'])
    await vi.advanceTimersByTimeAsync(100)
    job.progress({ type: 'tool-progress', id: 'call-1', message: 'second' })
    job.progress({ type: 'tool-progress', id: 'call-1', message: 'third' })
    await vi.advanceTimersByTimeAsync(140)
    expect(messages()).toEqual(['first'])
    await vi.advanceTimersByTimeAsync(20)
    expect(messages()).toEqual(['first', 'third'])
    // Quiet for an interval: the next goes out in its turn again.
    await vi.advanceTimersByTimeAsync(300)
    job.progress({ type: 'tool-progress', id: 'call-1', message: 'fourth' })
    await vi.advanceTimersByTimeAsync(0)
    expect(messages()).toEqual(['first', 'third', 'fourth'])
    // One waiting when the result comes is dropped, and nothing stays open.
    job.progress({ type: 'tool-progress', id: 'call-1', message: 'superseded' })
    job.commit({ type: 'tool-result', id: 'call-1', status: 'completed', result: {}, durationMs: 1 })
    await vi.advanceTimersByTimeAsync(1_000)
    expect(messages()).toEqual(['first', 'third', 'fourth'])
    expect(clock.openWindows).toBe(0)
    job.close()
    clock.dispose()
  })

  it('holds with batching off (window 0), where updates were merged per turn only', async () => {
    const { job, messages, clock } = liveJob(0)
    for (let turn = 1; turn <= 100; turn++) {
      job.progress({ type: 'tool-progress', id: 'call-1', message: `turn ${turn}` })
      await vi.advanceTimersByTimeAsync(10)
    }
    // Turn n at (n - 1) × 10 ms: the first, then the latest every 250 ms (before: all 100).
    expect(messages()).toEqual(['turn 1', 'turn 25', 'turn 50', 'turn 75', 'turn 100'])
    await vi.advanceTimersByTimeAsync(1_000)
    expect(messages()).toHaveLength(5)
    expect(clock.openWindows).toBe(0)
    job.close()
    clock.dispose()
  })
})
