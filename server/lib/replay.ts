/**
 * Replays merge consecutive deltas of the same kind (and node) into one event, as the live
 * batching does, so a reconnect after a long absence costs a few frames, not thousands.
 */
import type { JobEvent } from '../../shared/events'

/** Merges runs of consecutive text (or reasoning) deltas; the merged event keeps the last seq. */
export function mergeDeltas(events: readonly JobEvent[]): JobEvent[] {
  const merged: JobEvent[] = []
  for (const event of events) {
    const previous = merged.at(-1)
    if (
      previous
      && (event.type === 'text-delta' || event.type === 'reasoning-delta')
      && previous.type === event.type
      && previous.nodeId === event.nodeId
      && previous.offset + previous.text.length === event.offset
    ) {
      merged[merged.length - 1] = { ...previous, text: previous.text + event.text, seq: event.seq, at: event.at, fromSeq: previous.fromSeq ?? previous.seq }
      continue
    }
    merged.push(event)
  }
  return merged
}
