/**
 * Runs a tool's `execute` so that it can never hang a job: the call settles when the tool does,
 * when its time limit passes, or when the job is aborted — whichever comes first — even if the
 * tool ignores the signal it was given.
 */

/** How a guarded run ended. */
export type DeadlineOutcome<T> =
  | { kind: 'completed', value: T }
  | { kind: 'failed', error: unknown }
  | { kind: 'timeout' }
  | { kind: 'aborted', reason: unknown }

/**
 * Calls `run(signal)` with a signal that fires on `timeoutMs` and on `jobSignal`.
 * `jobSignal` wins over the timeout when both have fired, so an abort is never reported as a timeout.
 */
export async function runWithDeadline<T>(run: (signal: AbortSignal) => Promise<T>, jobSignal: AbortSignal, timeoutMs: number): Promise<DeadlineOutcome<T>> {
  if (jobSignal.aborted) return { kind: 'aborted', reason: jobSignal.reason }
  const timeout = new AbortController()
  const signal = AbortSignal.any([jobSignal, timeout.signal])
  const timer = setTimeout(() => timeout.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs)
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
    clearTimeout(timer)
    if (onAbort) signal.removeEventListener('abort', onAbort)
  }
}
