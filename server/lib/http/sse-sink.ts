/**
 * The HTTP side of a viewer: SSE frames written to a Node response through an `SseWriter`
 * (gzip, bounded queue). Headers are written on the first frame (or by `open()` once the viewer is
 * attached), so a 404 can still be answered as JSON. A client that stops draining never grows memory past `maxQueueBytes`: frames are
 * dropped and, once it drains, the engine resyncs it (a stream without a resync hook ends instead).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { formatEventId } from '../../../shared/event-id'
import { encodeEventData } from '../../../shared/stream-wire'
import type { SendOptions, ViewerFrame, ViewerSink } from '../viewer'
import type { WireBytes } from './sse-writer'
import { createSseWriter, toWireBytes } from './sse-writer'

/** Options of an SSE sink. */
export interface SseSinkOptions {
  compression: boolean
  maxQueueBytes: number
}

/** A viewer sink over HTTP, plus a promise that settles when the connection is gone. */
export interface SseSink extends ViewerSink {
  readonly closed: Promise<void>
  /** Writes a frame of any event name (the notifications stream); `whole`: even to a client that is not draining. */
  write(event: string, id: number | string | undefined, data: unknown, whole?: boolean): boolean
  /** True once anything was written (headers sent). */
  readonly started: boolean
  /** Sends the headers and `retry:` now if nothing was written yet (a resumed stream with nothing missed). */
  open(): void
  /** Frames dropped while the client was not draining. */
  readonly dropped: number
  /** Bytes handed to the socket (after compression) — for metrics and benchmarks. */
  readonly bytesWritten: () => number
  /** Called with the event name of every frame `send` wrote (the route counts them): not one dropped or sent after the end. */
  onSent?: (event: string) => void
  /**
   * Called when the sink ends the stream for its client's backpressure (the route counts it):
   * `fell-behind`, frames were dropped and there is no resync hook (the notification stream ends
   * at the drain instead), or `stalled`, the client took nothing for a whole heartbeat and was cut.
   */
  onCut?: (reason: StreamCutReason) => void
}

/** Why a sink ends a stream for its client's backpressure (`SseSink.onCut`; `notification_streams_cut_total{reason}`, `streams_cut_total{stream,reason}`). */
export const STREAM_CUT_REASONS = ['fell-behind', 'stalled'] as const

/** One of `STREAM_CUT_REASONS`. */
export type StreamCutReason = (typeof STREAM_CUT_REASONS)[number]

/** The streams other than the notification stream whose cuts are counted (`streams_cut_total{stream}`): job viewers and the AI SDK's chat streams. */
export const CUT_STREAMS = ['job', 'ai-sdk'] as const

/** Formats one SSE frame. Data is JSON on one line (job events in their wire form), so it can never break the framing. */
export function formatFrame(event: string, id: number | string | undefined, data: unknown): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(encodeEventData(event, data))}\n\n`
}

/**
 * The last frame encoded: every viewer of a job receives the same event object, one after the
 * other, so it is serialised and turned into bytes once, not once per viewer. Keyed by the data
 * object (events and states are never changed once built) and by its event name and id.
 */
const last: { event: string, id: number | string | undefined, data: object | null, bytes: WireBytes | null } = { event: '', id: undefined, data: null, bytes: null }

/** One frame as the bytes to write (the previous call's bytes when it was for the same frame). */
export function encodeFrame(event: string, id: number | string | undefined, data: unknown): WireBytes {
  if (typeof data !== 'object' || data === null) return toWireBytes(formatFrame(event, id, data))
  if (last.data === data && last.id === id && last.event === event) return last.bytes!
  const bytes = toWireBytes(formatFrame(event, id, data))
  // Changed in place: one record for the process, not one per frame.
  last.event = event
  last.id = id
  last.data = data
  last.bytes = bytes
  return bytes
}

/** Creates the sink for one request. */
export function createSseSink(request: IncomingMessage, response: ServerResponse, options: SseSinkOptions): SseSink {
  // Tell EventSource how long to wait before reconnecting.
  const writer = createSseWriter(request, response, { ...options, preamble: 'retry: 1000\n\n' })
  let dropped = 0
  let droppedBeforeDrain = 0
  /** The last job frame written (its seq, -1: none yet; and epoch): a resync sends what came after it. Two numbers, not a position object per frame. */
  let writtenSeq = -1
  let writtenEpoch = 1
  // A resync only when something was dropped: a stall that lost nothing needs none (and its
  // snapshot would repeat the id of the last frame the client already has). A stream with no one
  // to resync it (the notification stream) ends instead: the client reconnects with the id of the
  // last frame it got and the backlog replays what was dropped, rather than a hole nobody sees.
  writer.onDrain = () => {
    if (dropped === droppedBeforeDrain) return
    droppedBeforeDrain = dropped
    if (sink.onResyncNeeded) {
      sink.onResyncNeeded(writtenSeq === -1 ? null : { seq: writtenSeq, epoch: writtenEpoch })
      return
    }
    sink.onCut?.('fell-behind')
    sink.close()
  }
  writer.onStallCut = () => sink.onCut?.('stalled')

  const sink: SseSink = {
    closed: writer.closed,
    get started() {
      return writer.started
    },
    get dropped() {
      return dropped
    },
    bytesWritten: () => writer.bytesWritten(),
    open: () => writer.open(),
    send(frame: ViewerFrame, options?: SendOptions) {
      if (!sink.write(frame.event, formatEventId(frame.id, frame.epoch), frame.data, options?.catchUp)) return
      writtenSeq = frame.id
      writtenEpoch = frame.epoch ?? 1
      // Only a frame written: one dropped (a viewer that stopped reading) or sent after the end was not sent.
      sink.onSent?.(frame.event)
    },
    write(event, id, data, whole = false) {
      if (writer.write(encodeFrame(event, id, data), whole)) return true
      if (!writer.ended) dropped++
      return false
    },
    comment(text) {
      writer.heartbeat(`: ${text}\n\n`)
    },
    close() {
      writer.end()
    },
  }
  return sink
}
