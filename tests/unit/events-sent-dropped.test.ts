/**
 * `events_sent_total{event}` is "SSE frames handed to job-stream viewers". The stream route counts
 * through the sink's `onSent`, which ran before the frame was written: a frame dropped because the
 * viewer stopped reading (past `stream.viewerQueueBytes`), or sent to a stream that had ended, was
 * counted as sent. A stalled or vanished viewer on a busy job kept adding every live frame it never
 * got until it was cut, and the frames its resync then sent were counted again.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { SseSink } from '../../server/lib/http/sse-sink'
import { closeServer, open, readPausedToEnd } from '../support/sse-sink-server'

afterEach(closeServer)

describe('the frames a job-stream sink counts as sent', () => {
  it('leave out a frame dropped for a viewer that stopped reading, and one sent after the stream ended', async () => {
    let sinkRef: SseSink | null = null
    const counted: string[] = []
    const response = await open((sink) => {
      sinkRef = sink
      sink.onSent = event => counted.push(`${event}`)
      sink.onResyncNeeded = () => sink.close()
      // A catch-up past the bound goes out whole; live frames queue behind it up to the bound and
      // past it are dropped (as in sse-sink-backpressure.test.ts).
      sink.send({ event: 'snapshot', id: 7, data: { content: 'c'.repeat(256 * 1024) } as never }, { catchUp: true })
      sink.send({ event: 'step-start', id: 8, data: { type: 'step-start', seq: 8 } as never })
      sink.send({ event: 'text-delta', id: 9, data: { type: 'text-delta', seq: 9, text: 'd'.repeat(17 * 1024) } as never })
      sink.send({ event: 'step-end', id: 10, data: { type: 'step-end', seq: 10 } as never })
    }, { maxQueueBytes: 16 * 1024 })
    response.pause()
    await new Promise(resolve => setImmediate(resolve))
    expect(sinkRef!.dropped).toBe(1)
    const frames = await readPausedToEnd(response)
    sinkRef!.send({ event: 'job-end', id: 11, data: { type: 'job-end', seq: 11 } as never })
    expect(frames.map(frame => frame.id)).toEqual(['7', '8', '9'])
    expect(counted).toEqual(['snapshot', 'step-start', 'text-delta'])
  })
})
