/**
 * A viewer sink whose client can stop draining, for resync tests: while `stalled`, live frames are
 * dropped (counted) and catch-ups still written, as the HTTP sinks do; `drain()` is the client
 * reading everything, which asks the engine for a resync from the last frame written.
 */
import type { StreamPosition } from '../../shared/event-id'
import type { JobEvent } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { createJobState, reduceEvents } from '../../shared/reducer'
import type { SendOptions, ViewerFrame, ViewerSink } from '../../server/lib/viewer'

/** A stalling sink and what it got. */
export interface StallingSink extends ViewerSink {
  readonly frames: ViewerFrame[]
  stalled: boolean
  dropped: number
  closed: boolean
  /** The client read everything: the engine resyncs it from the last frame written. */
  drain(): void
  /** The job state the frames written add up to (null before any). */
  state(): JobState | null
}

/** Creates a stalling sink. */
export function createStallingSink(): StallingSink {
  const frames: ViewerFrame[] = []
  let written: StreamPosition | null = null
  const sink: StallingSink = {
    frames,
    stalled: false,
    dropped: 0,
    closed: false,
    send(frame: ViewerFrame, options?: SendOptions) {
      if (sink.stalled && !options?.catchUp) {
        sink.dropped++
        return
      }
      frames.push(structuredClone(frame))
      written = { seq: frame.id, epoch: frame.epoch ?? 1 }
    },
    comment() {},
    close() {
      sink.closed = true
    },
    drain() {
      sink.stalled = false
      sink.onResyncNeeded?.(written)
    },
    state() {
      let state: JobState | null = null
      for (const frame of frames) {
        if (frame.event === 'snapshot') state = frame.data as JobState
        else state = reduceEvents(state ?? createJobState({ id: 'x', type: 'chat', createdAt: 0 }), [frame.data as JobEvent])
      }
      return state
    },
  }
  return sink
}
