/**
 * The isolated call a piece of tool code runs for, found through its async context — so also
 * from a timer, an event callback or a promise the tool started. Used inside an isolation worker
 * to pin a `process.exit()` or a stray error on the call that caused it, never on another.
 */
import { AsyncLocalStorage } from 'node:async_hooks'

/** One call running (or run) in this worker. */
export interface CallScope {
  /** The tool's name and the job the call is for (what a log line names). */
  tool: string
  jobId: string
  /** Where this worker reports what happens after a call ended (the pool's fault channel). */
  faultChannel: string | undefined
  /** True once the call has answered; its code may still run (timers it left behind). */
  settled: boolean
  /** Fails the call at once (no effect once it settled). */
  fail(error: unknown): void
}

const callScope = new AsyncLocalStorage<CallScope>()

/** Runs `run` as code of the call `scope`. */
export function runInCallScope<T>(scope: CallScope, run: () => T): T {
  return callScope.run(scope, run)
}

/** The call whose code is running now, or undefined outside any call. */
export function currentCallScope(): CallScope | undefined {
  return callScope.getStore()
}
