/**
 * `ViewerSink.send` must not throw, but a sink is the app's code or a socket library's: one that
 * did (a write on a destroyed socket, a bug) threw out of the engine's fan-out — the viewers after
 * it in the job's set missed the event, the event's commit threw into the job's runner (which
 * then failed), and a throw while the stored end was reported left the others without their
 * `job-end`. Now the throwing viewer alone is closed and removed (one error line says so); the job
 * and its other viewers go on.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { RecordingSink } from '../support/engine-harness'
import { chatRequest, createRecordingSink, createTestEngine, wait } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'

/** A sink whose `send` throws from the `n`th live frame on (frames of its catch-up pass). */
function throwingSink(fromFrame: number): RecordingSink & { closes: number } {
  const sink = Object.assign(createRecordingSink(), { closes: 0 })
  const send = sink.send.bind(sink)
  const close = sink.close.bind(sink)
  let count = 0
  sink.send = (frame, options) => {
    if (!options?.catchUp && ++count >= fromFrame) throw new Error('write after end')
    send(frame, options)
  }
  sink.close = () => {
    sink.closes++
    close()
  }
  return sink
}

describe('a viewer whose send throws', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it.each([1, 3])('from live frame %i: it alone is closed and removed; the job and the other viewers go on', async (fromFrame) => {
    const { engine } = createTestEngine({
      runners: {
        chat: async (context) => {
          for (const word of ['one ', 'two ', 'three ']) {
            await wait(100, context.signal)
            context.text(word)
          }
          context.emit({ type: 'step-start', step: 1 })
        },
      },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    const before = createRecordingSink()
    const failing = throwingSink(fromFrame)
    const after = createRecordingSink()
    for (const sink of [before, failing, after]) await engine.attachViewer('u1', job.id, sink, null)
    expect(engine.stats().viewers).toBe(3)

    await vi.advanceTimersByTimeAsync(1_000)
    await engine.whenSettled(job.id)

    const { state } = await engine.getJob('u1', job.id)
    expect(state).toMatchObject({ status: 'completed', content: 'one two three ' })
    for (const sink of [before, after]) {
      expect(sink.state()).toMatchObject({ status: 'completed', content: 'one two three ' })
      expect(sink.frames.at(-1)?.event).toBe('job-end')
    }
    expect(failing.closes).toBe(1)
    expect(engine.stats()).toMatchObject({ runs: 0, viewers: 0, jobTimers: 0, engineTimers: expect.any(Number) })
    await engine.dispose()
  })

  it('is closed and removed at once, while the job runs on', async () => {
    const { logger, lines } = recordingLogger()
    const { engine } = createTestEngine({
      logger,
      runners: {
        chat: async (context) => {
          context.text('one ')
          await wait(1_000, context.signal)
          context.emit({ type: 'step-start', step: 1 })
          await wait(1_000, context.signal)
          context.text('two')
        },
      },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(10)
    const failing = throwingSink(1)
    const other = createRecordingSink()
    await engine.attachViewer('u1', job.id, failing, null)
    await engine.attachViewer('u1', job.id, other, null)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(failing.closes).toBe(1)
    expect(engine.stats().viewers).toBe(1)
    expect(lines.filter(line => line.message.includes('threw on send'))).toEqual([
      { level: 'error', message: 'a viewer\'s stream threw on send; it was closed', fields: { jobId: job.id, error: expect.any(Error) } },
    ])
    await vi.advanceTimersByTimeAsync(1_100)
    await engine.whenSettled(job.id)
    expect(other.state()).toMatchObject({ status: 'completed', content: 'one two' })
    await engine.dispose()
  })
})
