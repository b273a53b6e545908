/**
 * A fuzzed viewer client: it keeps the state it built from the frames it got (snapshot replaces,
 * events apply), across connections, like the browser composable does, and records every broken
 * promise of the SSE contract it sees: a gap, a duplicate, an event out of order, a frame after
 * close, an event before any snapshot. A connection can stall (live frames dropped, catch-ups
 * written, as the HTTP sinks do) and drain (it asks for a resync from the last frame written).
 */
import type { StreamPosition } from '../../shared/event-id'
import type { JobEvent } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { applyEvent } from '../../shared/reducer'
import type { SendOptions, ViewerFrame, ViewerSink } from '../../server/lib/viewer'

/** One stream of a client. */
export interface FuzzConnection extends ViewerSink {
  stalled: boolean
  /** Live frames dropped while stalled (the stream may then end before the job-end reached it). */
  dropped: number
  closed: boolean
  /** Detached by the client (the route saw the request go away). */
  detached: boolean
  detach: () => void
  /** False when the engine answered a finished job's catch-up and ended the stream at once. */
  open: boolean
  drain(): void
}

/** A client of one job. */
export interface FuzzClient {
  jobId: string
  userId: string
  state: JobState | null
  connections: FuzzConnection[]
  violations: string[]
  /** The Last-Event-ID a browser would send now. */
  position(): StreamPosition | null
  /** A new connection (the caller attaches it). */
  connect(): FuzzConnection
}

/** Creates a client of `jobId` with a starting state (null: knows nothing). */
export function createFuzzClient(jobId: string, userId: string, label: string): FuzzClient {
  const client: FuzzClient = {
    jobId,
    userId,
    state: null,
    connections: [],
    violations: [],
    position() {
      return client.state ? { seq: client.state.seq, epoch: client.state.epoch ?? 1 } : null
    },
    connect() {
      const connection: FuzzConnection = {
        stalled: false,
        dropped: 0,
        closed: false,
        detached: false,
        open: true,
        detach: () => {},
        send(frame: ViewerFrame, options?: SendOptions) {
          if (connection.closed) {
            client.violations.push(`${label}: ${frame.event} ${frame.id} sent after close`)
            return
          }
          if (connection.detached) {
            client.violations.push(`${label}: ${frame.event} ${frame.id} sent after detach`)
            return
          }
          if (connection.stalled && !options?.catchUp) {
            connection.dropped++
            return
          }
          receive(frame)
        },
        comment() {},
        close() {
          connection.closed = true
        },
        drain() {
          connection.stalled = false
          connection.onResyncNeeded?.(client.position())
        },
      }
      client.connections.push(connection)
      return connection
    },
  }

  function receive(frame: ViewerFrame) {
    if (frame.event === 'snapshot') {
      const state = structuredClone(frame.data as JobState)
      if (frame.id !== state.seq) client.violations.push(`${label}: snapshot id ${frame.id} for state at ${state.seq}`)
      client.state = state
      return
    }
    const event = structuredClone(frame.data as JobEvent)
    if (frame.id !== event.seq) client.violations.push(`${label}: frame id ${frame.id} for event ${event.seq}`)
    if (!client.state) {
      client.violations.push(`${label}: ${event.type} ${event.seq} before any snapshot`)
      return
    }
    const from = event.fromSeq ?? event.seq
    if (from !== client.state.seq + 1) client.violations.push(`${label}: ${event.type} ${from}..${event.seq} after ${client.state.seq} (gap, duplicate or reordering)`)
    client.state = applyEvent(client.state, event)
  }
  return client
}
