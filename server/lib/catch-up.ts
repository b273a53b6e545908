/**
 * What a viewer gets when it (re)joins: the events it missed when they are all still held and
 * its id is sane, merged like the live path and without superseded tool progress
 * (replayed-progress.ts); otherwise one snapshot. A finished job ends with
 * `job-end` as the last frame, so its snapshot is the state just before that event.
 */
import type { StreamPosition } from '../../shared/event-id'
import { parseEventId } from '../../shared/event-id'
import type { JobEvent } from '../../shared/events'
import { isTerminalStatus } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { reduceEvents } from '../../shared/reducer'
import { mergeDeltas } from './replay'
import { withoutStaleProgress } from './replayed-progress'
import { viewedState } from './viewed-log'
import type { ViewerFrame } from './viewer'
import { eventFrame } from './viewer'

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

/**
 * Parses a `Last-Event-ID` header or `?after=` value: `<seq>` or `<epoch>:<seq>`, else null
 * (garbage gets a snapshot, never an error).
 */
export function parseLastEventId(value: unknown): StreamPosition | null {
  return parseEventId(value)
}

/** The epoch the event at `seq` was written in, or null when the log does not tell. */
function epochAt(log: HeldLog, seq: number): number | null {
  if (seq === log.baseState.seq) return log.baseState.epoch ?? 1
  const event = log.events.find(each => (each.fromSeq ?? each.seq) <= seq && seq <= each.seq)
  return event ? event.epoch ?? 1 : null
}

/**
 * True when a viewer at `after` holds the log's state at that seq. Its epoch is the one that wrote
 * that seq; or a later lease's, when that seq is where the later lease began: the owner of a job
 * taken over holds the stored state under its own epoch (live-job.ts), a following instance
 * snapshots it so (`underLease`, under-lease.ts), a recovered end's snapshot is under the end's
 * epoch. That is the stored state at that seq, written before the lease was claimed (the store
 * refuses older epochs after), so the events from there follow it. It is that seq only when every
 * event after it is of that epoch or a later one: an event of an older epoch after it means the
 * later lease began further on.
 */
function holdsPosition(log: HeldLog, after: StreamPosition, leaseEpoch: number): boolean {
  if (after.seq === 0) return true
  if (droppedAt(log, after.seq)) return false
  // An epoch no lease of the job has had yet: a position never issued (garbage, or another job's).
  if (after.epoch > Math.max(leaseEpoch, log.state.epoch ?? 1)) return false
  const epoch = epochAt(log, after.seq)
  if (epoch === null || epoch > after.epoch) return false
  if (epoch === after.epoch) return true
  const next = after.seq === log.baseState.seq ? 0 : log.events.findIndex(event => event.seq === after.seq) + 1
  // Inside a merged delta of the older epoch: no lease began there.
  if (next === 0 && after.seq !== log.baseState.seq) return false
  return log.events.slice(next).every(event => (event.epoch ?? 1) >= after.epoch)
}

/**
 * True when `seq` is one of the seqs a job's end covers because the store never took them (its
 * `fromSeq`, `LiveJob.takeBack`): a viewer there was streamed text the store does not hold.
 */
function droppedAt(log: HeldLog, seq: number): boolean {
  const last = log.events.at(-1)
  return last?.type === 'job-end' && last.fromSeq !== undefined && last.fromSeq <= seq && seq < last.seq
}

/**
 * Events the viewer misses after its position, or null when a snapshot must be sent instead: the
 * position is past the log, older than what is held, or from another epoch at that seq (the
 * viewer's text came from an owner that died before storing it).
 */
function missedEvents(log: HeldLog, after: StreamPosition | null, leaseEpoch: number): JobEvent[] | null {
  if (after === null || after.seq > log.state.seq) return null
  if (!holdsPosition(log, after, leaseEpoch)) return null
  if (after.seq === log.state.seq) return []
  const first = log.events[0]
  if (!first || !log.complete || (first.fromSeq ?? first.seq) > after.seq + 1) return null
  return log.events.filter(event => event.seq > after.seq)
}

/** The snapshot frame of a state, without the fields only the engine reads (viewed-log.ts). */
export function snapshotFrame(state: JobState): ViewerFrame {
  const data = viewedState(state)
  return state.epoch === undefined ? { event: 'snapshot', id: state.seq, data } : { event: 'snapshot', id: state.seq, epoch: state.epoch, data }
}

/**
 * The state of a finished job just before its `job-end`, under the end's epoch when that is later:
 * an instance that took the job over may have written nothing but the end (a lost owner's chat
 * ends `owner-lost`). With the lost owner's epoch, the snapshot would lose to a viewer's state of
 * that owner whose seqs past the stored ones (text it streamed but never stored) reach the end's
 * seq: the viewer would keep that text and drop the end as seen.
 */
function stateBeforeEnd(log: HeldLog, end: JobEvent): JobState {
  const reduced = reduceEvents(log.baseState, log.events.slice(0, -1))
  // An end that covers seqs the store never took: the state is numbered just before it, past every
  // seq a viewer may have had (with text the store does not hold), so that it replaces that state.
  const state = end.fromSeq === undefined ? reduced : { ...reduced, seq: end.seq - 1 }
  return (end.epoch ?? 1) > (state.epoch ?? 1) ? { ...state, epoch: end.epoch } : state
}

/**
 * The frame of a job's end sent right after a snapshot of the state before it: an end that covers
 * seqs the store never took goes without its `fromSeq` there — that snapshot is numbered just before
 * it (`stateBeforeEnd`), and each frame starts right after the one before.
 */
export function endFrameAfterSnapshot(end: JobEvent): ViewerFrame {
  if (end.fromSeq === undefined) return eventFrame(end)
  const { fromSeq: _fromSeq, ...alone } = end
  return eventFrame(alone as JobEvent)
}

/**
 * The frames that bring a viewer at `after` (null: knows nothing) up to the log's end.
 * `leaseEpoch`: the job's lease epoch as the caller knows it (its record's), which a position's
 * epoch past both it and the log's cannot come from — such a position gets a snapshot.
 */
export function catchUpFrames(log: HeldLog, after: StreamPosition | null, leaseEpoch = Number.POSITIVE_INFINITY): ViewerFrame[] {
  const missed = missedEvents(log, after, leaseEpoch)
  // Superseded progress left out first: the deltas around it then merge as well.
  if (missed) return mergeDeltas(withoutStaleProgress(missed)).map(eventFrame)
  const last = log.events.at(-1)
  if (isTerminalStatus(log.state.status) && last?.type === 'job-end' && log.complete) {
    return [snapshotFrame(stateBeforeEnd(log, last)), endFrameAfterSnapshot(last)]
  }
  return [snapshotFrame(log.state)]
}
