/**
 * Replays merge consecutive deltas of the same kind (and node) into one event, as the live
 * batching does, so a reconnect after a long absence costs a few frames, not thousands. The
 * write-behind queue merges the same way before storing, under the provider's batch size.
 */
import type { JobEvent } from '../../shared/events'
import { isDeltaEvent } from '../../shared/events'
import { jsonByteLength } from './bytes'

/**
 * Merges runs of consecutive text (or reasoning) deltas of one epoch; the merged event keeps the
 * last seq. A merged text never grows past `maxTextBytes` — UTF-8 bytes of the text as JSON, as a
 * store holds it (a control character is six: `\u001b`) — the next delta starts a new event. A
 * store that had to split a merged event would cut it between seqs a viewer never saw there: a tab
 * resuming at one of them would get text that starts past the end of its own.
 */
export function mergeDeltas(events: readonly JobEvent[], maxTextBytes = Number.POSITIVE_INFINITY): JobEvent[] {
  const merged: JobEvent[] = []
  const capped = Number.isFinite(maxTextBytes)
  let mergedBytes = 0
  for (const event of events) {
    const previous = merged.at(-1)
    const bytes = capped && isDeltaEvent(event) ? jsonByteLength(event.text) : 0
    if (
      previous
      && (event.type === 'text-delta' || event.type === 'reasoning-delta')
      && previous.type === event.type
      && previous.nodeId === event.nodeId
      && previous.epoch === event.epoch
      && previous.offset + previous.text.length === event.offset
      && mergedBytes + bytes <= maxTextBytes
    ) {
      merged[merged.length - 1] = { ...previous, text: previous.text + event.text, seq: event.seq, at: event.at, fromSeq: previous.fromSeq ?? previous.seq }
      mergedBytes += bytes
      continue
    }
    merged.push(event)
    mergedBytes = bytes
  }
  return merged
}
