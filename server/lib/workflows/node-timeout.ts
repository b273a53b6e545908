/**
 * Runs one node's work under its own signal: the parent's (job abort, or a parallel fan-out that
 * gave up) combined with the node's time limit. The work is raced against the signal, so a node
 * whose code ignores the signal still ends on time; its late result or error is dropped.
 */

/** Options of `runWithNodeTimeout`. */
export interface NodeTimeoutOptions {
  parentSignal: AbortSignal
  /** The node's time limit; null for nodes that wait for a human or only contain other nodes. */
  timeoutMs: number | null
  /** The error the node fails with when its time is up (it names the limit). */
  timeoutError: () => Error
}

/** Resolves with the work's result, or rejects with the signal's reason once it fires. */
export async function runWithNodeTimeout<T>(work: (signal: AbortSignal) => Promise<T>, options: NodeTimeoutOptions): Promise<T> {
  const timeout = new AbortController()
  // A plain timer (not AbortSignal.timeout) so fake timers drive it and it is cleared on every path.
  const timer = options.timeoutMs === null ? undefined : setTimeout(() => timeout.abort(options.timeoutError()), options.timeoutMs)
  const signal = AbortSignal.any([options.parentSignal, timeout.signal])
  let removeListener = () => {}
  const aborted = new Promise<never>((_resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    removeListener = () => signal.removeEventListener('abort', onAbort)
  })
  try {
    const running = work(signal)
    // Whichever loses the race must not become an unhandled rejection.
    running.catch(() => {})
    aborted.catch(() => {})
    return await Promise.race([running, aborted])
  }
  finally {
    clearTimeout(timer)
    removeListener()
  }
}
