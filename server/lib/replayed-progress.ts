/**
 * What a replay sends of the tools' progress (docs/tool-progress.md#what-viewers-get): a call stores
 * up to four `tool-progress` events a second, and each supersedes the one before, so a viewer back
 * after ten minutes would get thousands of them for one call. It needs only what its state keeps:
 * the latest update of each call still running at the end of the replay.
 */
import type { JobEvent } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { toolCallPosition } from '../../shared/tool-call-index'

/**
 * `events` (consecutive, ending at `state`) without the progress a viewer no longer needs: of each
 * call's `tool-progress` events the last only, and none for a call that is not running in `state`
 * (it has its outcome, or was cut off). The state they reduce to is the same — the reducer keeps
 * only a running call's latest update — and so are its `seq` and `updatedAt`: the last event is
 * always kept. The event after seqs left out covers them (`fromSeq`, as a merged delta covers its
 * seqs), so the frames stay gap-free: each starts right after the one before.
 */
export function withoutStaleProgress(events: readonly JobEvent[], state: JobState): readonly JobEvent[] {
  let lastOfCall: Map<string, number> | null = null
  for (let index = 0; index < events.length; index++) {
    const event = events[index]!
    if (event.type === 'tool-progress') (lastOfCall ??= new Map()).set(event.id, index)
  }
  if (lastOfCall === null) return events
  const kept: JobEvent[] = []
  /** The first seq of the events left out since the last kept one (null: none). */
  let leftOutFrom: number | null = null
  const last = events.length - 1
  for (let index = 0; index < events.length; index++) {
    const event = events[index]!
    if (event.type === 'tool-progress' && index !== last && (lastOfCall.get(event.id) !== index || !runs(state, event.id))) {
      leftOutFrom ??= event.fromSeq ?? event.seq
      continue
    }
    kept.push(leftOutFrom === null ? event : { ...event, fromSeq: leftOutFrom })
    leftOutFrom = null
  }
  return kept
}

/** True when the call `id` is running in `state`. */
function runs(state: JobState, id: string): boolean {
  const index = toolCallPosition(state.toolCalls, id)
  return index !== undefined && state.toolCalls[index]!.status === 'running'
}
