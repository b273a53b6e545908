/**
 * A job's write that keeps failing with an error that looks passing (a Convex `Server Error`, which
 * in production is also what an error thrown inside a function becomes; a deadline) once the job's
 * end is decided. While the job runs, `persist.maxPendingBytes` bounds such a streak; after its
 * end nothing is produced, and the write was retried every 5 s for ever — the job `running` in the
 * store, its viewers waiting for the end, its slot taken. An outage is not this: the store then
 * answers nothing. So the streak is given up once it has lasted `afterMs` (a few lease periods)
 * *while the store answers this instance's other calls* (heartbeats, reads: `storeAnswers`, counted
 * by instrument-provider.ts): the write is refused for good in all but name, and the job ends as
 * decision 42 ends one (`store-refused`, its end written alone). A store that answers nothing keeps
 * the end waiting as before. docs/decisions/045-stuck-end-write-given-up.md.
 */
import { StoreRefusedError } from './providers/store-refused'

/** Lease periods (`lease.durationMs`) a job's decided end may wait behind a failing write while the store answers. */
export const STUCK_END_LEASE_PERIODS = 3

/** The store answered a call within this long before a failed retry counts as "answering". */
export const STORE_ANSWERED_WITHIN_MS = 10_000

/** A write given up after failing past the bound while the store answered other calls. */
export class StuckWriteError extends StoreRefusedError {
  override readonly name = 'StuckWriteError'
  constructor(jobId: string, failingMs: number, cause: unknown) {
    super('store', `The job store failed every write of job ${jobId} for ${failingMs} ms after its end was decided, while it answered other calls: given up as refused (last error: ${cause instanceof Error ? cause.name : 'unknown'})`, { cause })
  }
}

/** Options of `createStuckEndWatch`. */
export interface StuckEndWatchOptions {
  jobId: string
  /** How long a failing streak with the end pending may last. Infinity: never given up. */
  afterMs: number
  /** Monotonic milliseconds. */
  now: () => number
  /** How many calls the store has answered so far (any job, this process). */
  storeAnswers: () => number
}

/** Follows one queue's failing writes (persist-queue.ts). */
export interface StuckEndWatch {
  /**
   * A write failed with `error`; `endPending`: the job's end waits in the queue. The error to give
   * the write up with, or null to retry it.
   */
  failed(error: unknown, endPending: boolean): StuckWriteError | null
  /** A write succeeded (or the queue starts over): the streak ends. */
  reset(): void
}

/** Creates the watch of one job's queue. */
export function createStuckEndWatch(options: StuckEndWatchOptions): StuckEndWatch {
  /** When the streak with the end pending began; null when there is none. */
  let since: number | null = null
  let answers = 0
  let answeredAt = Number.NEGATIVE_INFINITY
  return {
    failed(error, endPending) {
      if (!endPending || !Number.isFinite(options.afterMs)) {
        since = null
        return null
      }
      const at = options.now()
      const answersNow = options.storeAnswers()
      if (since === null) {
        since = at
        answers = answersNow
        return null
      }
      if (answersNow > answers) answeredAt = at
      answers = answersNow
      if (at - since < options.afterMs || at - answeredAt > STORE_ANSWERED_WITHIN_MS) return null
      return new StuckWriteError(options.jobId, Math.round(at - since), error)
    },
    reset() {
      since = null
      answeredAt = Number.NEGATIVE_INFINITY
    },
  }
}
