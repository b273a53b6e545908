/**
 * A viewer that stopped draining and lost frames is resynced from the last frame it got: the
 * events it missed (merged), not the whole state again — a snapshot of a long answer is as big as
 * the answer, and sending it to a slow client stalls it once more, again and again. Catch-ups
 * (at attach and at a resync) are written whole.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createStallingSink } from '../support/stalling-sink'
import { chatRequest, createTestEngine, wait } from '../support/engine-harness'

const PIECES = Array.from({ length: 60 }, (_, index) => `piece ${index} é😀 `)

describe('resync after a stall', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('sends what the viewer missed after its last frame, not a second snapshot', async () => {
    const { engine } = createTestEngine({
      runners: {
        async chat(context) {
          for (const piece of PIECES) {
            await wait(20, context.signal)
            context.text(piece)
          }
        },
      },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    const sink = createStallingSink()
    await engine.attachViewer('u1', job.id, sink, null)
    await vi.advanceTimersByTimeAsync(300)
    sink.stalled = true
    await vi.advanceTimersByTimeAsync(400)
    expect(sink.dropped).toBeGreaterThan(0)
    const before = sink.frames.length
    sink.drain()
    const resync = sink.frames.slice(before)
    // One merged delta carrying exactly the text the viewer lacked.
    expect(resync.map(frame => frame.event)).toEqual(['text-delta'])
    await vi.advanceTimersByTimeAsync(2_000)
    await engine.whenSettled(job.id)
    expect(sink.frames.filter(frame => frame.event === 'snapshot')).toHaveLength(1)
    expect(sink.frames.at(-1)!.event).toBe('job-end')
    expect(sink.state()!.content).toBe(PIECES.join(''))
  })

  it('writes a catch-up whole to a viewer that is not draining (the frames after the first are kept)', async () => {
    const { engine } = createTestEngine({ runners: { async chat(context) {
      context.text(PIECES.join(''))
    } } })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await engine.whenSettled(job.id)
    for (const after of [null, { epoch: 1, seq: 0 }]) {
      const sink = createStallingSink()
      sink.stalled = true
      await engine.attachViewer('u1', job.id, sink, after)
      expect(sink.dropped).toBe(0)
      expect(sink.frames.at(-1)!.event).toBe('job-end')
      expect(sink.state()!.content).toBe(PIECES.join(''))
    }
  })
})
