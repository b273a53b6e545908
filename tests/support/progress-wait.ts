/**
 * Waits bounded by a lack of progress instead of by elapsed time. A job of the scripted model
 * streams its answer one timer tick per chunk (hundreds of ticks for a long answer): about 5 s on
 * an idle machine, several times that on a loaded two-core one, where each tick waits for a core.
 * A fixed budget for "the job has ended" is then either too tight under load or too loose to
 * notice a job that stopped. These waits last as long as the job keeps moving (its `seq` grows)
 * and fail once it has not moved for the budget, saying where it stopped.
 */

/** What a progress wait polls. */
export interface ProgressWaitOptions<T> {
  /** What counts as progress (compared with `Object.is`): the budget starts again whenever it changes. */
  progress: (value: T) => unknown
  /** How long the value may go without progress before the wait fails. */
  stallMs: number
  /** Milliseconds between reads. @default 100 */
  intervalMs?: number
  /** What was awaited and last seen, for the failure message. */
  describe: (value: T) => string
}

/** The default time between two reads of a progress wait. */
const INTERVAL_MS = 100

/**
 * Reads until `done(value)`, and resolves with that value. Rejects once `progress(value)` has not
 * changed for `stallMs`, with a message naming what was awaited and the last value seen.
 */
export async function waitWhileProgressing<T>(read: () => Promise<T>, done: (value: T) => boolean, options: ProgressWaitOptions<T>): Promise<T> {
  let mark: unknown
  let movedAt = -Infinity
  for (;;) {
    const value = await read()
    if (done(value)) return value
    const now = Date.now()
    const current = options.progress(value)
    if (movedAt === -Infinity || !Object.is(current, mark)) {
      mark = current
      movedAt = now
    }
    else if (now - movedAt >= options.stallMs) {
      throw new Error(`no progress for ${options.stallMs} ms: ${options.describe(value)}`)
    }
    await new Promise(resolve => setTimeout(resolve, options.intervalMs ?? INTERVAL_MS))
  }
}

/** A job as a progress wait reads it: its status and the seq of its last event. */
export interface JobProgress {
  status: string
  seq: number
}

/**
 * Waits until a job has `status`, for as long as its events keep coming: fails once its seq has
 * not grown for `stallMs` (a job that stopped short of `status`).
 */
export async function waitForJobStatus(read: () => Promise<JobProgress>, status: string, stallMs: number): Promise<JobProgress> {
  return await waitWhileProgressing(read, job => job.status === status, {
    progress: job => job.seq,
    stallMs,
    describe: job => `waiting for the job to be ${status}; it is ${job.status} at seq ${job.seq}`,
  })
}
