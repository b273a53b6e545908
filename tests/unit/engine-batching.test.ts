import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobEvent } from '../../shared/events'
import type { RunContext } from '../../server/lib/run-context'
import { chatRequest, createRecordingSink, createTestEngine, wait } from '../support/engine-harness'

/** 100 deltas, one every 10 ms (1 s in all). */
async function hundredDeltas(context: RunContext) {
  for (let index = 0; index < 100; index++) {
    await wait(10, context.signal)
    context.text(`w${index} `)
  }
}
const fullText = Array.from({ length: 100 }, (_, index) => `w${index} `).join('')

describe('text batching (50 ms window, one timer per job)', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('100 deltas over 1 s to 3 viewers: ≤ 21 text events each, in order, nothing lost, flush before job-end', async () => {
    const { engine } = createTestEngine({ runners: { chat: hundredDeltas } })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    const sinks = [createRecordingSink(), createRecordingSink(), createRecordingSink()]
    for (const sink of sinks) await engine.attachViewer('u1', job.id, sink, null)
    // One batch timer for the job whatever the number of viewers (plus the job's time limit).
    await vi.advanceTimersByTimeAsync(25)
    expect(engine.stats().jobTimers).toBe(2) // the job's time limit + one batch window, whatever the viewers
    await vi.advanceTimersByTimeAsync(2_000)
    await engine.whenSettled(job.id)

    for (const sink of sinks) {
      const texts = sink.textEvents()
      expect(texts.length).toBeLessThanOrEqual(21)
      expect(texts.length).toBeGreaterThanOrEqual(19)
      expect(texts.map(event => (event as { text: string }).text).join('')).toBe(fullText)
      const seqs = sink.frames.map(frame => frame.id)
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
      expect(new Set(seqs).size).toBe(seqs.length)
      expect(sink.frames.at(-1)!.event).toBe('job-end')
      expect(sink.closed).toBe(true)
      expect(sink.state()!.content).toBe(fullText)
    }
    expect(engine.stats()).toMatchObject({ runs: 0, viewers: 0, jobTimers: 0 })
  })

  it('a viewer joining mid-window gets the pending text in its snapshot and never that batch again', async () => {
    const { engine } = createTestEngine({
      runners: {
        async chat(context) {
          context.text('Hello ')
          await wait(20, context.signal)
          context.text('world')
          await wait(100, context.signal)
          context.text('!')
        },
      },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    const early = createRecordingSink()
    await engine.attachViewer('u1', job.id, early, null)
    await vi.advanceTimersByTimeAsync(30) // inside the first window: "Hello world" pending
    const late = createRecordingSink()
    await engine.attachViewer('u1', job.id, late, null)
    await vi.advanceTimersByTimeAsync(500)
    await engine.whenSettled(job.id)

    expect(late.frames[0]!.event).toBe('snapshot')
    expect((late.frames[0]!.data as { content: string }).content).toBe('Hello world')
    const lateTexts = late.textEvents().map(event => (event as { text: string }).text)
    expect(lateTexts).toEqual(['!'])
    expect(late.state()!.content).toBe('Hello world!')
    expect(early.state()!.content).toBe('Hello world!')
    for (const sink of [early, late]) {
      const seqs = sink.frames.map(frame => frame.id)
      expect(new Set(seqs).size).toBe(seqs.length)
    }
  })

  it('a non-text event flushes the pending batch first, so order is kept', async () => {
    const { engine } = createTestEngine({
      runners: {
        async chat(context) {
          await wait(10, context.signal)
          context.text('before ')
          context.emit({ type: 'step-start', step: 1 })
          context.text('after')
        },
      },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    const sink = createRecordingSink()
    await engine.attachViewer('u1', job.id, sink, null)
    await vi.advanceTimersByTimeAsync(100)
    await engine.whenSettled(job.id)
    const kinds = sink.frames.map(frame => frame.event === 'text-delta' ? `text:${(frame.data as { text: string }).text}` : frame.event)
    expect(kinds).toEqual(['snapshot', 'text:before ', 'step-start', 'text:after', 'job-end'])
  })

  it('batching off (window 0) sends one event per delta', async () => {
    const { engine } = createTestEngine({ config: { stream: { batchWindowMs: 0 } }, runners: { chat: hundredDeltas } })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    const sink = createRecordingSink()
    await engine.attachViewer('u1', job.id, sink, null)
    await vi.advanceTimersByTimeAsync(2_000)
    await engine.whenSettled(job.id)
    expect(sink.textEvents()).toHaveLength(100)
    expect(sink.state()!.content).toBe(fullText)
  })

  it('replays after Last-Event-ID merge the missed deltas into one event, no gap, no duplicate', async () => {
    const { engine } = createTestEngine({ runners: { chat: hundredDeltas } })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    const first = createRecordingSink()
    const attachment = await engine.attachViewer('u1', job.id, first, null)
    await vi.advanceTimersByTimeAsync(400)
    attachment.detach()
    const lastSeen = first.frames.at(-1)!.id
    await vi.advanceTimersByTimeAsync(300)
    const second = createRecordingSink()
    await engine.attachViewer('u1', job.id, second, lastSeen)
    expect(second.frames[0]!.event).toBe('text-delta')
    expect(second.frames[0]!.id).toBeGreaterThan(lastSeen)
    await vi.advanceTimersByTimeAsync(1_000)
    await engine.whenSettled(job.id)
    const text = [...first.frames, ...second.frames]
      .filter(frame => frame.event === 'text-delta' || frame.event === 'snapshot')
      .map(frame => frame.event === 'snapshot' ? (frame.data as { content: string }).content : (frame.data as JobEvent & { text: string }).text)
      .join('')
    expect(text).toBe(fullText)
  })
})
