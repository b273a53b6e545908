/**
 * The job stream's `data` on the wire. Most frames of a stream are text deltas, and their SSE
 * envelope already says what they are (`event: text-delta`) and where they are (`id: <seq>`), so
 * a plain delta goes out as `[offset, "text"]` — the two things the reducer needs besides those.
 * Every other event (and a delta with `nodeId` or `fromSeq`) goes out whole, as JSON. The
 * server encodes with `encodeEventData`; a client turns a frame back into a `JobEvent` with
 * `decodeStreamEvent` and applies it with the one reducer (shared/reducer.ts).
 */
import { parseEventId } from './event-id'
import type { JobEvent } from './events'

/** A text or reasoning delta as it goes on the wire: where it starts, and the text. */
export type CompactDelta = [offset: number, text: string]

/** True for the event names whose plain deltas go compact. */
function isDeltaName(event: string): event is 'text-delta' | 'reasoning-delta' {
  return event === 'text-delta' || event === 'reasoning-delta'
}

/**
 * The `data` to send for an event frame named `event`: `[offset, text]` for a plain delta, the
 * event itself otherwise (anything that is not a delta event passes through unchanged).
 */
export function encodeEventData(event: string, data: unknown): unknown {
  if (!isDeltaName(event) || typeof data !== 'object' || data === null) return data
  const delta = data as { offset?: unknown, text?: unknown, nodeId?: unknown, fromSeq?: unknown }
  if (typeof delta.offset !== 'number' || typeof delta.text !== 'string' || delta.nodeId !== undefined || delta.fromSeq !== undefined) return data
  return [delta.offset, delta.text] satisfies CompactDelta
}

/**
 * Turns a received event frame back into a `JobEvent`: a whole event as it is, a compact delta
 * with its seq (and epoch) from the frame's id (shared/event-id.ts) and `at` = `receivedAt` (the wire leaves the server's time
 * out; it only moves `updatedAt`). Null when the frame cannot be read — the caller skips it, and
 * the next snapshot or replay repairs the state.
 */
export function decodeStreamEvent(type: string, id: string | undefined | null, data: unknown, receivedAt: number): JobEvent | null {
  if (Array.isArray(data)) {
    const [offset, text] = data as unknown[]
    const position = parseEventId(id)
    if (!isDeltaName(type) || position === null || typeof offset !== 'number' || typeof text !== 'string') return null
    // The epoch rides in the id (`<epoch>:<seq>`); events carry it only after a takeover, as the server's do.
    return { type, seq: position.seq, at: receivedAt, offset, text, ...(position.epoch > 1 ? { epoch: position.epoch } : {}) }
  }
  if (typeof data !== 'object' || data === null) return null
  const event = data as { type?: unknown, seq?: unknown }
  if (event.type !== type || typeof event.seq !== 'number') return null
  return data as JobEvent
}
