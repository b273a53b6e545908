/**
 * The stored state of a job as a reader that does not run it shows it: under the lease's epoch
 * when a new owner took the job over and has not stored an event yet. Its snapshot must win over
 * a viewer's state of the lost owner, whose seqs past the stored ones (text it streamed but never
 * stored) may be higher — as the owner's own does (live-job.ts) — and a client comparing epochs
 * (the quiet-stream check, app/lib/job-stream.ts) must see the same one from every instance. A
 * finished job's state is left as stored.
 */
import { isTerminalStatus } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import type { JobRecord } from './providers/types'

/** The epoch of `record`'s lease (1 before any takeover, and without a lease). */
export function leaseEpochOf(record: Pick<JobRecord, 'lease'>): number {
  return record.lease?.epoch ?? 1
}

/** `state` under the epoch of `record`'s lease when that is later than the stored events'. */
export function underLease(record: Pick<JobRecord, 'lease'>, state: JobState): JobState {
  const epoch = leaseEpochOf(record)
  return epoch > (state.epoch ?? 1) && !isTerminalStatus(state.status) ? { ...state, epoch } : state
}
