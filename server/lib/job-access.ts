/**
 * How the engine finds a user's job: the record as this instance knows it best (a job running here
 * is ahead of the store, whose writes are batched behind), and the ownership check every route
 * relies on — another user's job is a `JobNotFoundError` (404), exactly like a missing one.
 */
import { isTerminalStatus } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { JobNotFoundError } from './errors'
import { MAX_ID_CHARS } from './id-characters'
import type { JobRun } from './job-run'
import { localRunFor } from './local-read'
import type { JobProvider, JobRecord } from './providers/types'

/**
 * The run of a job that this instance runs: not one it gave up (another instance took the job
 * over, or it was handed off) whose code has not returned yet — that run's state is no longer the
 * job's, and it acts on no control.
 */
export function runningHere(runs: ReadonlyMap<string, JobRun>, jobId: string): JobRun | undefined {
  const run = runs.get(jobId)
  return run && !run.abandoned ? run : undefined
}


/** What of a job's state a summary's record takes from it. */
type StatePosition = Pick<JobState, 'status' | 'seq' | 'updatedAt' | 'endedAt'>

/**
 * A record with the position of the job's stored state read after it (`GET /api/jobs/:id` of a job
 * another instance runs): the job may have moved on, even ended, between the two reads, and the
 * summary answered with a state tells that state's status and seq, not the older record's.
 */
export function atStoredState(record: JobRecord, state: StatePosition): JobRecord {
  return state.seq <= record.lastSeq ? record : atPosition(record, state)
}

/** `record` with the status and position of `state` (stored, or a run's live state). */
function atPosition(record: JobRecord, state: StatePosition): JobRecord {
  const { status, seq, updatedAt, endedAt } = state
  return { ...record, status, lastSeq: seq, updatedAt, endedAt }
}

/** The engine's lookups over `provider` and this instance's `runs`. */
export function createJobAccess(provider: Pick<JobProvider, 'get' | 'getListed'>, runs: ReadonlyMap<string, JobRun>) {
  /**
   * A record with the live status and position of its run here, if it runs here. Used wherever records are shown.
   * A stored end is ahead of the run: its live state keeps the last active status until that end is
   * reported (live-job.ts), and an instance that forwarded an abort, then took the job over, hears
   * the stored end first — the stored record is the job's then.
   */
  function withLiveState(record: JobRecord): JobRecord {
    const run = runningHere(runs, record.id)
    if (!run || isTerminalStatus(record.status)) return record
    return atPosition(record, run.live.state)
  }

  /**
   * Loads a job the user owns from the store, or throws JobNotFoundError. The store is asked for the
   * user's job only: another user's is not read (nor sent back), as a missing one is not; an id
   * longer than any the API takes (`MAX_ID_CHARS`: the engine's are UUIDs, a route's `:id` is
   * whatever the client put in the path, up to 16 KB) names no job and is not asked for. Its
   * request comes as a listing gives it (`getListed`: what a summary shows), not a long chat's
   * whole history; `whole` reads all of it.
   */
  async function authorize(userId: string, jobId: string, whole = false): Promise<JobRecord> {
    if (jobId.length > MAX_ID_CHARS) throw new JobNotFoundError(jobId)
    const record = !whole && provider.getListed ? await provider.getListed(jobId, { userId }) : await provider.get(jobId, { userId })
    if (!record || record.userId !== userId) throw new JobNotFoundError(jobId)
    return withLiveState(record)
  }

  /**
   * `authorize` for reads: a job this instance runs and vouches for is answered from memory, with
   * no store call (local-read.ts), so its owner serves it while the store is down. Anyone else
   * asking for it goes to the store, as for a missing job.
   */
  async function authorizeRead(userId: string, jobId: string, whole = false): Promise<JobRecord> {
    const run = localRunFor(runs, userId, jobId)
    return run ? withLiveState(run.record) : await authorize(userId, jobId, whole)
  }

  return { withLiveState, authorize: (userId: string, jobId: string) => authorize(userId, jobId), authorizeRead: (userId: string, jobId: string) => authorizeRead(userId, jobId), authorizeWholeRead: (userId: string, jobId: string) => authorizeRead(userId, jobId, true) }
}
