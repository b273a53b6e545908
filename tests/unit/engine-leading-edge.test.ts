/**
 * Leading-edge batching: a delta that follows a quiet window goes out at the end of its
 * event-loop turn (merged with what arrived in the same turn) and opens a window; deltas inside
 * a window wait for its end, so continuous streaming still sends one event per window. Also: the
 * hub tracks viewers through their close notification and leaves the sink's methods alone.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { RunContext } from '../../server/lib/run-context'
import { chatRequest, createRecordingSink, createTestEngine, wait } from '../support/engine-harness'

const texts = (sink: ReturnType<typeof createRecordingSink>) => sink.textEvents().map(event => (event as { text: string }).text)

/** A job whose runner waits for the test to `go` (so times are counted from there), with one viewer. */
async function startWithViewer(chat: (context: RunContext) => Promise<void>, config = {}) {
  const { engine } = createTestEngine({ config, runners: { chat: async (context) => {
    await started
    await chat(context)
  } } })
  let go!: () => void
  const started = new Promise<void>((resolve) => {
    go = resolve
  })
  const sink = createRecordingSink()
  const { job } = await engine.createJob('u1', { request: chatRequest })
  await engine.attachViewer('u1', job.id, sink, null)
  return { engine, job, sink, go }
}

describe('leading-edge batching', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a delta after a quiet window goes out in its own turn, with the deltas of that turn, before any window ends', async () => {
    const { engine, job, sink, go } = await startWithViewer(async (context) => {
      context.text('Hel')
      context.text('lo')
      await wait(200, context.signal)
      context.text(' world')
      await wait(200, context.signal)
    })
    go()
    await vi.advanceTimersByTimeAsync(0)
    expect(texts(sink)).toEqual(['Hello'])
    // Fake timers run an immediate set by a timer callback one fake millisecond later.
    await vi.advanceTimersByTimeAsync(201)
    expect(texts(sink)).toEqual(['Hello', ' world'])
    await vi.advanceTimersByTimeAsync(500)
    await engine.whenSettled(job.id)
    expect(sink.state()!.content).toBe('Hello world')
  })

  it('a delta inside the window that a leading delta opened waits for the window to end', async () => {
    const { engine, job, sink, go } = await startWithViewer(async (context) => {
      context.text('Hello')
      await wait(20, context.signal)
      context.text(' world')
      await wait(200, context.signal)
    })
    go()
    await vi.advanceTimersByTimeAsync(0)
    expect(texts(sink)).toEqual(['Hello'])
    await vi.advanceTimersByTimeAsync(26) // ' world' came at 20 ms
    expect(texts(sink)).toEqual(['Hello'])
    await vi.advanceTimersByTimeAsync(20) // 46 ms after the leading delta: still inside its window
    expect(texts(sink)).toEqual(['Hello'])
    await vi.advanceTimersByTimeAsync(5) // 51 ms: the window ended
    expect(texts(sink)).toEqual(['Hello', ' world'])
    await vi.advanceTimersByTimeAsync(500)
    await engine.whenSettled(job.id)
  })

  it('continuous streaming: the first delta at once, then one event per window; one batching window for all viewers', async () => {
    const { engine, job, sink, go } = await startWithViewer(async (context) => {
      for (let index = 0; index < 100; index++) {
        await wait(10, context.signal)
        context.text(`w${index} `)
      }
    })
    go()
    await vi.advanceTimersByTimeAsync(11)
    expect(texts(sink)).toEqual(['w0 '])
    expect(engine.stats().jobTimers).toBe(2) // the job's time limit + its one open window
    await vi.advanceTimersByTimeAsync(2_000)
    await engine.whenSettled(job.id)
    expect(texts(sink).length).toBeLessThanOrEqual(21)
    expect(texts(sink).join('')).toBe(Array.from({ length: 100 }, (_, index) => `w${index} `).join(''))
    expect(engine.stats()).toMatchObject({ runs: 0, viewers: 0, jobTimers: 0 })
  })

  it('batching off still sends one event per delta, at once', async () => {
    const { engine, job, sink, go } = await startWithViewer(async (context) => {
      context.text('a')
      context.text('b')
      await wait(10, context.signal)
    }, { stream: { batchWindowMs: 0 } })
    go()
    await vi.advanceTimersByTimeAsync(0)
    expect(texts(sink)).toEqual(['a', 'b'])
    await vi.advanceTimersByTimeAsync(100)
    await engine.whenSettled(job.id)
  })

  it('a viewer the engine closes (job-end) leaves the heartbeat through its close notification; the sink keeps its own close', async () => {
    const { engine } = createTestEngine({ runners: { chat: async context => wait(100, context.signal) } })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    const sink = createRecordingSink()
    const ownClose = sink.close
    // A sink whose methods cannot be replaced: the hub must not need to.
    Object.defineProperty(sink, 'close', { value: ownClose, writable: false })
    await engine.attachViewer('u1', job.id, sink, null)
    expect(engine.stats()).toMatchObject({ viewers: 1, engineTimers: 2 }) // cleanup interval + heartbeat
    await vi.advanceTimersByTimeAsync(200)
    await engine.whenSettled(job.id)
    expect(sink.closed).toBe(true)
    expect(sink.close).toBe(ownClose)
    // The route never called detach: the close notification alone stopped the heartbeat.
    expect(engine.stats()).toMatchObject({ viewers: 0, engineTimers: 1 })
    await engine.dispose()
  })
})
