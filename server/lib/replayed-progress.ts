/**
 * What a replay sends of the tools' progress (docs/tool-progress.md#what-viewers-get): a call stores
 * up to four `tool-progress` events a second, and each supersedes the one before, so a viewer back
 * after ten minutes would get thousands of them for one call. It needs only two of each call's: the
 * first, which places the call's AI SDK data part among the others (the SDK keeps a data part where
 * it first came), and the latest, which the part and the reduced state hold — an ended call's too,
 * since a live message keeps the part after the call ended (decision 43).
 */
import type { JobEvent } from '../../shared/events'

/**
 * `events` (consecutive) without the progress a viewer no longer needs: of each call's
 * `tool-progress` events the first and the last only. The state they reduce to is the same — the
 * reducer keeps a call's latest update and the seq of its first — and so are its `seq` and
 * `updatedAt`: the last event is always kept. The event after seqs left out covers them (`fromSeq`,
 * as a merged delta covers its seqs), so the frames stay gap-free: each starts right after the one
 * before.
 */
export function withoutStaleProgress(events: readonly JobEvent[]): readonly JobEvent[] {
  let kept: Map<string, { first: number, last: number }> | null = null
  for (let index = 0; index < events.length; index++) {
    const event = events[index]!
    if (event.type !== 'tool-progress') continue
    kept ??= new Map()
    const call = kept.get(event.id)
    if (call) call.last = index
    else kept.set(event.id, { first: index, last: index })
  }
  if (kept === null) return events
  const result: JobEvent[] = []
  /** The first seq of the events left out since the last kept one (null: none). */
  let leftOutFrom: number | null = null
  const last = events.length - 1
  for (let index = 0; index < events.length; index++) {
    const event = events[index]!
    if (event.type === 'tool-progress' && index !== last) {
      const call = kept.get(event.id)!
      if (call.first !== index && call.last !== index) {
        leftOutFrom ??= event.fromSeq ?? event.seq
        continue
      }
    }
    result.push(leftOutFrom === null ? event : { ...event, fromSeq: leftOutFrom })
    leftOutFrom = null
  }
  return result
}
