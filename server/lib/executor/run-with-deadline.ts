/**
 * Runs a tool's `execute` so that it can never hang a job: the call settles when the tool does,
 * when its time limit passes, or when the job is aborted — whichever comes first — even if the
 * tool ignores the signal it was given. The time limit is a timer of the run's TimerSet, so it is
 * counted with the job's other timers and cleared on every path.
 *
 * An isolated call first waits for a free worker: its time limit must measure its run, not that
 * wait (a call queued behind slow ones would time out without having run). With `waitMs`, the time
 * limit starts only when `run` calls `started()` (its worker started it); the wait before is
 * bounded by `waitMs` on its own, and ends with the outcome `not-started`. The wait can end in the
 * same moment a worker takes the call, before its start report is read: `run` hands over how to
 * cancel its start (`onWaiting`), and the worker's start decides. A run that had started is not
 * `not-started`: its time limit starts then; one cancelled first never starts.
 *
 * An isolated call's answer crosses from its worker on a channel the server reads after its timers
 * in a turn of the event loop: an answer given within the time limit can be read just after it
 * passed. `run` also hands over whether its answer is on its way (`onWaiting`'s `answered`): then
 * the time limit waits for it, up to `ANSWER_ON_ITS_WAY_MS`, and it is used.
 *
 * A run in the server's thread (no `waitMs`) that keeps the thread busy past its time limit (a
 * synchronous loop, a regex that backtracks) stops the time limit's timer too: it can fire only
 * once the run gave the thread back, and the run's answer is read first. Such an answer, read after
 * the time limit passed (`performance.now()` since it was armed), is a `timeout` like one that came
 * late from a run that did not block: the call ran past its limit, its answer is not used. An
 * isolated call's thread is not the server's (its worker is terminated at the limit, and an answer
 * read late was given in time, on its way): not checked.
 */
import type { TimerSet } from '../timers'

/** How long a time limit that passed waits for an answer its run says is on its way. */
export const ANSWER_ON_ITS_WAY_MS = 1_000

/** How a guarded run ended. */
export type DeadlineOutcome<T> =
  | { kind: 'completed', value: T }
  | { kind: 'failed', error: unknown }
  | { kind: 'timeout' }
  | { kind: 'aborted', reason: unknown }
  /** With `waitMs`: `run` did not call `started()` within it. */
  | { kind: 'not-started' }

/**
 * Cancels a waiting run's start: true when it will never start, false when it had started already
 * (its start report may still be on its way).
 */
export type CancelStart = () => boolean

/**
 * What `run` gets: its signal; `started()` when it starts; `onWaiting(cancel, answered)` to say how
 * to cancel its start, and whether its answer is on its way (given, not read yet).
 */
export type GuardedRun<T> = (signal: AbortSignal, started: () => void, onWaiting: (cancel: CancelStart, answered?: () => boolean) => void) => Promise<T>

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
export async function runWithDeadline<T>(run: GuardedRun<T>, options: DeadlineOptions): Promise<DeadlineOutcome<T>> {
  const { jobSignal, timeoutMs, timers, waitMs } = options
  if (jobSignal.aborted) return { kind: 'aborted', reason: jobSignal.reason }
  const timeout = new AbortController()
  const signal = AbortSignal.any([jobSignal, timeout.signal])
  let notStarted = false
  let cancelTimer = () => {}
  let started: () => void = () => {}
  let cancelStart: CancelStart | null = null
  let answered: (() => boolean) | undefined
  // When the time limit started (`performance.now()`), for a run that blocked its timer.
  let armedAt = Number.POSITIVE_INFINITY
  const armTimeLimit = () => {
    armedAt = performance.now()
    const passed = (waited: boolean) => {
      // Given in time, on its way: it is used when it comes (soon), not read as a timeout.
      if (!waited && answered?.()) {
        cancelTimer = timers.timeout(() => passed(true), ANSWER_ON_ITS_WAY_MS)
        return
      }
      timeout.abort(new Error(`timed out after ${timeoutMs} ms`))
    }
    cancelTimer = timers.timeout(() => passed(false), timeoutMs)
  }
  if (waitMs === undefined) {
    armTimeLimit()
  }
  else {
    cancelTimer = timers.timeout(() => {
      // A worker took it meanwhile (its report is on its way): it runs, under its time limit from now.
      if (cancelStart && !cancelStart()) return started()
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
      Promise.resolve().then(() => run(signal, () => started(), (cancel, isAnswered) => {
        cancelStart = cancel
        answered = isAnswered
      })).then(value => ({ value }), (error: unknown) => ({ error })),
      stopped,
    ])
    if (jobSignal.aborted) return { kind: 'aborted', reason: jobSignal.reason }
    if (result === 'stopped' || (timeout.signal.aborted && 'error' in result)) return notStarted ? { kind: 'not-started' } : { kind: 'timeout' }
    // Read after its time limit, whose timer the run kept from firing by holding the thread (above).
    if (waitMs === undefined && performance.now() - armedAt > timeoutMs) return { kind: 'timeout' }
    return 'error' in result ? { kind: 'failed', error: result.error } : { kind: 'completed', value: result.value }
  }
  finally {
    // A late `started()` (a retry's, news on its way) arms nothing once the run is over.
    started = () => {}
    cancelTimer()
    if (onAbort) signal.removeEventListener('abort', onAbort)
  }
}
