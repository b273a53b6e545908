/**
 * One job as the memory provider holds it, and the pure checks on its event log.
 */
import type { JobEvent } from '../../../shared/events'
import { isTerminalStatus } from '../../../shared/events'
import type { JobState } from '../../../shared/reducer'
import { reduceEvents } from '../../../shared/reducer'
import type { AppendResult, EventListener, JobRecord } from './types'

/** One job as held in memory. */
export interface StoredJob {
  record: JobRecord
  /** Seq-ordered and contiguous from 1: `events[i].seq === i + 1`. */
  events: JobEvent[]
  /** The state after the first `stateEvents` events (brought up to date when it is read: `stateOf`). */
  state: JobState
  stateEvents: number
  listeners: Set<EventListener>
  /** The `onGone` of subscriptions that asked for it: called once when the job is deleted. */
  goneWatchers: Set<() => void>
}

/** The job's state after every stored event: the events appended since the last read are applied now. */
export function stateOf(job: StoredJob): JobState {
  const state = job.stateEvents < job.events.length ? reduceEvents(job.state, job.events.slice(job.stateEvents)) : job.state
  job.state = state
  job.stateEvents = job.events.length
  return state
}

/** Copies a record so that callers cannot change what is stored. */
export function copyRecord(record: JobRecord): JobRecord {
  return { ...record, lease: record.lease ? { ...record.lease } : null }
}

/** The index of the first event with seq > afterSeq. */
export function firstIndexAfter(events: readonly JobEvent[], afterSeq: number): number {
  let low = 0
  let high = events.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (events[middle]!.seq > afterSeq) high = middle
    else low = middle + 1
  }
  return low
}

/** A refused append: why, and where the stored log ends. */
function refused(record: JobRecord, reason: 'terminal' | 'seq-conflict' | 'stale-epoch'): AppendResult {
  return { ok: false, reason, lastSeq: record.lastSeq }
}

/**
 * Why a batch may not be appended, or null when it may. Called on every append (a streaming job's
 * every window): it makes nothing unless it refuses.
 */
export function checkAppend(job: StoredJob, events: readonly JobEvent[], epoch: number | undefined): AppendResult | null {
  const { record } = job
  if (isTerminalStatus(record.status)) return refused(record, 'terminal')
  if (epoch !== undefined && record.lease && epoch < record.lease.epoch) return refused(record, 'stale-epoch')
  let expected = record.lastSeq + 1
  for (let index = 0; index < events.length; index++) {
    const event = events[index]!
    // A merged delta covers `fromSeq`..`seq`; the log stays gap-free either way.
    if ((event.fromSeq ?? event.seq) !== expected || event.seq < expected) return refused(record, 'seq-conflict')
    expected = event.seq + 1
    // Nothing follows a job-end: a batch that tries is refused whole, so no event is stored after it.
    if (event.type === 'job-end' && index < events.length - 1) return refused(record, 'terminal')
  }
  return null
}
