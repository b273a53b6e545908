/**
 * Runs a tool's `execute` so that it can never hang a job: the call settles when the tool does,
 * when its time limit passes, or when the job is aborted — whichever comes first — even if the
 * tool ignores the signal it was given. The time limit is a timer of the run's TimerSet, so it is
 * counted with the job's other timers and cleared on every path.
 */
import type { TimerSet } from '../timers'

/** How a guarded run ended. */
export type DeadlineOutcome<T> =
  | { kind: 'completed', value: T }
  | { kind: 'failed', error: unknown }
  | { kind: 'timeout' }
  | { kind: 'aborted', reason: unknown }

/** Options of `runWithDeadline`. */
export interface DeadlineOptions {
  /** The job's signal (abort, job time limit, shutdown). */
  jobSignal: AbortSignal
  timeoutMs: number
  /** The run's timers; the time limit is one of them. */
  timers: TimerSet
}

/**
 * Calls `run(signal)` with a signal that fires on `timeoutMs` and on `jobSignal`.
 * `jobSignal` wins over the timeout when both have fired, so an abort is never reported as a timeout.
 */
export async function runWithDeadline<T>(run: (signal: AbortSignal) => Promise<T>, options: DeadlineOptions): Promise<DeadlineOutcome<T>> {
  const { jobSignal, timeoutMs } = options
  if (jobSignal.aborted) return { kind: 'aborted', reason: jobSignal.reason }
  const timeout = new AbortController()
  const signal = AbortSignal.any([jobSignal, timeout.signal])
  const cancelTimer = options.timers.timeout(() => timeout.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs)
  let onAbort: (() => void) | undefined
  const stopped = new Promise<'stopped'>((resolve) => {
    onAbort = () => resolve('stopped')
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    const result = await Promise.race([
      Promise.resolve().then(() => run(signal)).then(value => ({ value }), (error: unknown) => ({ error })),
      stopped,
    ])
    if (jobSignal.aborted) return { kind: 'aborted', reason: jobSignal.reason }
    if (result === 'stopped' || (timeout.signal.aborted && 'error' in result)) return { kind: 'timeout' }
    return 'error' in result ? { kind: 'failed', error: result.error } : { kind: 'completed', value: result.value }
  }
  finally {
    cancelTimer()
    if (onAbort) signal.removeEventListener('abort', onAbort)
  }
}
