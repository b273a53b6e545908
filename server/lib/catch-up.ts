/**
 * What a viewer gets when it (re)joins: the events it missed when they are all still held and
 * its id is sane, merged like the live path; otherwise one snapshot. A finished job ends with
 * `job-end` as the last frame, so its snapshot is the state just before that event.
 */
import type { JobEvent } from '../../shared/events'
import { isTerminalStatus } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { reduceEvents } from '../../shared/reducer'
import { mergeDeltas } from './replay'
import type { ViewerFrame } from './viewer'

/** A held slice of a job's log. */
export interface HeldLog {
  /** Consecutive events, ending at `state.seq`. */
  events: readonly JobEvent[]
  /** True when `events` starts at seq 1 or right after `baseState`. */
  complete: boolean
  /** The state of every event. */
  state: JobState
  /** The state before `events[0]` (for rebuilding a snapshot of a finished job). */
  baseState: JobState
}

/** Parses a `Last-Event-ID` header or `?after=` value: a non-negative integer, else null. */
export function parseLastEventId(value: unknown): number | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null
  const text = String(value).trim()
  if (!/^\d{1,15}$/.test(text)) return null
  return Number(text)
}

/** Events the viewer misses after `afterSeq`, or null when a snapshot must be sent instead. */
function missedEvents(log: HeldLog, afterSeq: number | null): JobEvent[] | null {
  if (afterSeq === null || afterSeq > log.state.seq) return null
  if (afterSeq === log.state.seq) return []
  const first = log.events[0]
  if (!first || !log.complete || (first.fromSeq ?? first.seq) > afterSeq + 1) return null
  return log.events.filter(event => event.seq > afterSeq)
}

/** The snapshot frame of a state. */
export function snapshotFrame(state: JobState): ViewerFrame {
  return { event: 'snapshot', id: state.seq, data: state }
}

/** The frames that bring a viewer at `afterSeq` (null: knows nothing) up to the log's end. */
export function catchUpFrames(log: HeldLog, afterSeq: number | null): ViewerFrame[] {
  const missed = missedEvents(log, afterSeq)
  if (missed) return mergeDeltas(missed).map(event => ({ event: event.type, id: event.seq, data: event }))
  const last = log.events.at(-1)
  if (isTerminalStatus(log.state.status) && last?.type === 'job-end' && log.complete) {
    const beforeEnd = reduceEvents(log.baseState, log.events.slice(0, -1))
    return [snapshotFrame(beforeEnd), { event: 'job-end', id: last.seq, data: last }]
  }
  return [snapshotFrame(log.state)]
}
