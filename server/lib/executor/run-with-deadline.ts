/**
 * Runs a tool's `execute` so that it can never hang a job: the call settles when the tool does,
 * when its time limit passes, or when the job is aborted — whichever comes first — even if the
 * tool ignores the signal it was given. The time limit is a timer of the run's TimerSet, so it is
 * counted with the job's other timers and cleared on every path.
 *
 * An isolated call first waits for a free worker: its time limit must measure its run, not that
 * wait (a call queued behind slow ones would time out without having run). With `waitMs`, the time
 * limit starts only when `run` calls `started()` (its worker started it); the wait before is
 * bounded by `waitMs` on its own, and ends with the outcome `not-started`.
 */
import type { TimerSet } from '../timers'

/** How a guarded run ended. */
export type DeadlineOutcome<T> =
  | { kind: 'completed', value: T }
  | { kind: 'failed', error: unknown }
  | { kind: 'timeout' }
  | { kind: 'aborted', reason: unknown }
  /** With `waitMs`: `run` did not call `started()` within it. */
  | { kind: 'not-started' }

/** Options of `runWithDeadline`. */
export interface DeadlineOptions {
  /** The job's signal (abort, job time limit, shutdown). */
  jobSignal: AbortSignal
  timeoutMs: number
  /** The run's timers; the time limit is one of them. */
  timers: TimerSet
  /**
   * Set: the time limit starts when `run` calls `started()` (the first time), and until then `run`
   * may wait this long (an isolated call queued for a worker). Absent: it starts at once.
   */
  waitMs?: number
}

/**
 * Calls `run(signal, started)` with a signal that fires on `timeoutMs` (or `waitMs` before
 * `started()`, see the file comment) and on `jobSignal`. `jobSignal` wins over the time limits when
 * both have fired, so an abort is never reported as a timeout.
 */
export async function runWithDeadline<T>(run: (signal: AbortSignal, started: () => void) => Promise<T>, options: DeadlineOptions): Promise<DeadlineOutcome<T>> {
  const { jobSignal, timeoutMs, timers, waitMs } = options
  if (jobSignal.aborted) return { kind: 'aborted', reason: jobSignal.reason }
  const timeout = new AbortController()
  const signal = AbortSignal.any([jobSignal, timeout.signal])
  let notStarted = false
  let cancelTimer = () => {}
  const armTimeLimit = () => {
    cancelTimer = timers.timeout(() => timeout.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs)
  }
  let started: () => void = () => {}
  if (waitMs === undefined) {
    armTimeLimit()
  }
  else {
    cancelTimer = timers.timeout(() => {
      notStarted = true
      timeout.abort(new Error(`not started within ${waitMs} ms`))
    }, waitMs)
    started = () => {
      started = () => {}
      if (timeout.signal.aborted) return
      cancelTimer()
      armTimeLimit()
    }
  }
  let onAbort: (() => void) | undefined
  const stopped = new Promise<'stopped'>((resolve) => {
    onAbort = () => resolve('stopped')
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    const result = await Promise.race([
      Promise.resolve().then(() => run(signal, () => started())).then(value => ({ value }), (error: unknown) => ({ error })),
      stopped,
    ])
    if (jobSignal.aborted) return { kind: 'aborted', reason: jobSignal.reason }
    if (result === 'stopped' || (timeout.signal.aborted && 'error' in result)) return notStarted ? { kind: 'not-started' } : { kind: 'timeout' }
    return 'error' in result ? { kind: 'failed', error: result.error } : { kind: 'completed', value: result.value }
  }
  finally {
    // A late `started()` (a retry's, news on its way) arms nothing once the run is over.
    started = () => {}
    cancelTimer()
    if (onAbort) signal.removeEventListener('abort', onAbort)
  }
}
