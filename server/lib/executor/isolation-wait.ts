/**
 * Times an isolated call's wait for a worker (`tool_isolation_wait_ms{tool,outcome}`): from the
 * moment it asks the pool for one until a worker starts it (`started`), or until it leaves the
 * queue without one — no worker started it within `isolation.queueTimeoutMs` (`queue-timeout`), it
 * gave its place in a full queue to another user's call (`yielded`), its job ended while it waited
 * (`aborted`). Each wait is observed once. A call refused at once (`queue-full`: it never waited) or
 * that never reached the queue (no worker can run the tool) is not timed: `isolated_calls_not_run_total`
 * and `tool_runs_total` count those. Elapsed time on the monotonic clock.
 */
import { IsolationQueueYieldedError } from '../isolation/errors'
import { useMetrics } from '../metrics'
import type { DeadlineOutcome } from './run-with-deadline'

/** How an isolated call's wait for a worker ended. */
export type IsolationWaitOutcome = 'started' | 'queue-timeout' | 'yielded' | 'aborted'

/** The clock of one call's wait, started now. */
export interface IsolationWaitClock {
  /** A worker started the call (the first report counts; later ones, a retry's, do not). */
  started(): void
  /** The call is over: a wait that no `started()` ended is observed by how it ended, when it waited at all. */
  ended(outcome: DeadlineOutcome<unknown>): void
}

/** Starts timing the wait of a call of the registered tool `tool`. */
export function startIsolationWait(tool: string, now: () => number = () => performance.now()): IsolationWaitClock {
  const askedAt = now()
  let observed = false
  const observe = (outcome: IsolationWaitOutcome) => {
    if (observed) return
    observed = true
    useMetrics().labeledHistogram('tool_isolation_wait_ms')(Math.max(0, now() - askedAt), tool, outcome)
  }
  return {
    started: () => observe('started'),
    ended(outcome) {
      if (outcome.kind === 'not-started') observe('queue-timeout')
      else if (outcome.kind === 'aborted') observe('aborted')
      else if (outcome.kind === 'failed' && outcome.error instanceof IsolationQueueYieldedError) observe('yielded')
      // A worker ran it though its start report was not read first (the wait passed as it started).
      else if (outcome.kind === 'completed' || outcome.kind === 'timeout') observe('started')
      observed = true
    },
  }
}
