/**
 * A viewer is one open stream (a browser tab). The engine only talks to a `ViewerSink`; the HTTP
 * route provides one that writes SSE frames, tests provide one that records them.
 */
import type { StreamPosition } from '../../shared/event-id'
import type { JobEvent } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { viewedEvent } from './viewed-log'
import { stopQuietly } from './stop-quietly'

/**
 * One SSE frame: `id: <seq>` (or `<epoch>:<seq>` after a takeover, see shared/event-id.ts) /
 * `event: <type>` / `data: <json>`. `id` is the seq; `epoch` the lease epoch it was written in.
 */
export type ViewerFrame =
  | { event: 'snapshot', id: number, epoch?: number, data: JobState }
  | { event: JobEvent['type'], id: number, epoch?: number, data: JobEvent }

/**
 * The frame of an event (the one place event frames are made); made once per event and handed to
 * every viewer. Fields only the engine reads are left out (viewed-log.ts).
 */
export function eventFrame(event: JobEvent): ViewerFrame {
  const data = viewedEvent(event)
  return event.epoch === undefined ? { event: event.type, id: event.seq, data } : { event: event.type, id: event.seq, epoch: event.epoch, data }
}

/** How a frame is sent. */
export interface SendOptions {
  /**
   * Part of a catch-up (at attach, or a resync): written even to a client that is not draining,
   * so the frames after a big first one (a snapshot of a long answer) are not dropped. A catch-up
   * is one burst the size of the job's own log, never an unbounded stream. @default false
   */
  catchUp?: boolean
}

/**
 * Where frames go. `send` must not throw; a sink that cannot keep up asks for a resync. One that
 * throws anyway is closed and dropped (`deliver`): never the job's nor the other viewers' problem.
 */
export interface ViewerSink {
  send(frame: ViewerFrame, options?: SendOptions): void
  /** A comment line (heartbeat). */
  comment(text: string): void
  /** Ends the stream (after `job-end`, or when the engine shuts down). */
  close(): void
  /**
   * Set by the engine: the sink calls it when it dropped frames because its client stopped
   * draining, with the position of the last frame it did write when it knows it (null: it does
   * not); the engine then sends what came after that position (or a fresh snapshot) and continues.
   */
  onResyncNeeded?: (written?: StreamPosition | null) => void
}

/** A sink plus its cursor: the highest seq this viewer has. It never receives an event at or below it. */
export interface Viewer {
  readonly sink: ViewerSink
  cursor: number
  /** While false, live events wait in `backlog` (the viewer is still being caught up). */
  ready: boolean
  backlog: JobEvent[]
  closed: boolean
  /** Called once when the engine closes the viewer (after `job-end`, at shutdown): the hub's bookkeeping. */
  onClose: (() => void) | null
  /** Called when its sink's `send` threw (the viewer is closed right after): the hub logs it. */
  onSendFailed: ((error: unknown) => void) | null
}

/** Creates a viewer that is still catching up. */
export function createViewer(sink: ViewerSink): Viewer {
  return { sink, cursor: 0, ready: false, backlog: [], closed: false, onClose: null, onSendFailed: null }
}

/** Sends an event (as `frame`, shared by all viewers) unless the viewer already has it; ends it after `job-end`. */
export function deliver(viewer: Viewer, event: JobEvent, frame?: ViewerFrame): void {
  if (viewer.closed) return
  if (!viewer.ready) {
    viewer.backlog.push(event)
    return
  }
  if (event.seq <= viewer.cursor) {
    // A catch-up already sent it; the stream still ends with it (nothing comes after a `job-end`).
    if (event.type === 'job-end') closeViewer(viewer)
    return
  }
  viewer.cursor = event.seq
  try {
    viewer.sink.send(frame ?? eventFrame(event))
  }
  catch (error) {
    dropViewer(viewer, error)
    return
  }
  if (event.type === 'job-end') closeViewer(viewer)
}

/**
 * Sends a snapshot frame that replaces what the viewer has (`LiveJob.takeBack`): its cursor moves
 * to the frame's seq. One not caught up yet is skipped: its catch-up, read after, has that state
 * (a live job's catch-up is synchronous, so none of its viewers waits for one then).
 */
export function deliverSnapshot(viewer: Viewer, frame: ViewerFrame): void {
  if (viewer.closed || !viewer.ready) return
  viewer.cursor = frame.id
  try {
    viewer.sink.send(frame)
  }
  catch (error) {
    dropViewer(viewer, error)
  }
}

/**
 * A sink that throws (against its contract: a write on a destroyed socket, a bug) is this viewer's
 * fault alone: it is closed (its client reconnects with its last id), and the job and the other
 * viewers go on.
 */
function dropViewer(viewer: Viewer, error: unknown): void {
  viewer.onSendFailed?.(error)
  closeViewer(viewer)
}

/** Marks a viewer caught up at `cursor` and sends what arrived meanwhile (skipping what it has). */
export function markReady(viewer: Viewer, cursor: number): void {
  viewer.cursor = cursor
  viewer.ready = true
  const backlog = viewer.backlog
  viewer.backlog = []
  for (const event of backlog) deliver(viewer, event)
}

/** Writes the frames of one catch-up, whole (see `SendOptions.catchUp`), to a sink no viewer holds yet. */
export function writeCatchUp(sink: ViewerSink, frames: readonly ViewerFrame[]): void {
  for (const frame of frames) sink.send(frame, { catchUp: true })
}

/**
 * Sends a viewer the frames of one catch-up. A send that throws closes the viewer as `deliver`
 * does (its `onSendFailed` logs it): false then, and the caller must not mark it ready — else it
 * would stay in its job's set, its backlog growing, never closed.
 */
export function sendCatchUp(viewer: Viewer, frames: readonly ViewerFrame[]): boolean {
  try {
    writeCatchUp(viewer.sink, frames)
  }
  catch (error) {
    dropViewer(viewer, error)
    return false
  }
  return true
}

/** Closes a viewer once: ends its sink, then tells whoever tracks it. */
export function closeViewer(viewer: Viewer): void {
  if (viewer.closed) return
  viewer.closed = true
  viewer.backlog = []
  const onClose = viewer.onClose
  viewer.onClose = null
  // A sink whose close throws (a socket already destroyed) is let go of all the same.
  stopQuietly(() => viewer.sink.close())
  onClose?.()
}

