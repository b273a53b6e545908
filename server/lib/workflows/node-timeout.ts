/**
 * Runs one node's work under its own signal: the parent's (job abort, or a parallel fan-out that
 * gave up) combined with the node's time limit. The work is raced against the signal, so a node
 * whose code ignores the signal still ends on time; its late result or error is dropped. The
 * limit stops counting while the node waits for a human (node-deadline.ts). A stray error of the
 * node's own code (`stop`) ends it the same way, with that error.
 */
import type { TimerSet } from '../timers'
import type { NodeDeadline } from './node-deadline'
import { createNodeDeadline } from './node-deadline'

/** Options of `runWithNodeTimeout`. */
export interface NodeTimeoutOptions {
  parentSignal: AbortSignal
  /** The node's time limit; null for nodes that wait for a human or only contain other nodes. */
  timeoutMs: number | null
  /** The error the node fails with when its time is up (it names the limit). */
  timeoutError: () => Error
  /** The run's timers; the node's time limit is one of them. */
  timers: TimerSet
  /** The clock the paused time is measured with (monotonic: a wall-clock step is no elapsed time). @default performance.now */
  now?: () => number
  /** Rejects when the node must stop at once, with the error it fails with (a stray error of its code). */
  stop?: Promise<never>
}

/** Resolves with the work's result, or rejects with the signal's reason once it fires. */
export async function runWithNodeTimeout<T>(work: (signal: AbortSignal, deadline: NodeDeadline) => Promise<T>, options: NodeTimeoutOptions): Promise<T> {
  const timeout = new AbortController()
  // Run timers (not AbortSignal.timeout): counted with the job's timers, driven by fake timers, cleared on every path.
  const deadline = createNodeDeadline({
    timeoutMs: options.timeoutMs,
    timers: options.timers,
    now: options.now ?? (() => performance.now()),
    onExpired: () => timeout.abort(options.timeoutError()),
  })
  options.stop?.catch((error: unknown) => timeout.abort(error))
  const signal = AbortSignal.any([options.parentSignal, timeout.signal])
  let removeListener = () => {}
  const aborted = new Promise<never>((_resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    removeListener = () => signal.removeEventListener('abort', onAbort)
  })
  try {
    const running = work(signal, deadline)
    // Whichever loses the race must not become an unhandled rejection.
    running.catch(() => {})
    aborted.catch(() => {})
    return await Promise.race([running, aborted])
  }
  finally {
    deadline.cancel()
    removeListener()
  }
}
