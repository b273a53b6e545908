/**
 * The stop and retry side of a follower whose reads can fail with no later message to bring back
 * what they missed (a user feed's catch-up, redis-user-feed.ts; a control reply's stored read,
 * redis-subscriptions.ts): a failed read is reported and made again on a timer (doubling delays, as
 * a job follower's catch-up, redis-follow.ts), one retry pending at a time, and nothing is retried
 * once the follower is stopped — by its unsubscribe, or by `stopAll` (dispose) through the tracked
 * follower's own stop.
 */
import { createTimerSet } from '../timers'
import type { Follower } from './redis-follow'
import { CATCH_UP_RETRY_BASE_MS, CATCH_UP_RETRY_MAX_MS } from './redis-follow'

/** A follower's retries and stopping (see the file's comment). */
export interface RetryingFollower {
  /** True once the follower was stopped, either way. */
  readonly stopped: boolean
  /** Reports a failed read, then runs `again` later, unless stopped or a retry is pending already. */
  retryLater(error: unknown, again: () => void): void
  /** A read succeeded: the next failure waits the shortest delay again. */
  succeeded(): void
  /** Keeps the stop of the follower's reconnect listener, which the unsubscribe calls. */
  onReconnectStop(stop: () => void): void
  /** The tracked follower, whose stop (`stopAll`) also stops the retries. */
  stoppable<F extends Follower>(follower: F): F
  /** The unsubscribe: stops the retries and the reconnect listener, then `stopTracked`. */
  unsubscribe(stopTracked: () => void): () => void
}

/** Creates the retries of one follower; `report` gets each failed read's error. */
export function createRetryingFollower(report: (error: unknown) => void): RetryingFollower {
  const retryTimers = createTimerSet()
  let stopped = false
  let retryPending = false
  let failures = 0
  let stopReconnect = () => {}
  const halt = () => {
    stopped = true
    retryTimers.clearAll()
  }
  return {
    get stopped() {
      return stopped
    },
    retryLater(error, again) {
      report(error)
      if (stopped || retryPending) return
      retryPending = true
      retryTimers.timeout(() => {
        retryPending = false
        again()
      }, Math.min(CATCH_UP_RETRY_MAX_MS, CATCH_UP_RETRY_BASE_MS * 2 ** failures++))
    },
    succeeded() {
      failures = 0
    },
    onReconnectStop(stop) {
      stopReconnect = stop
    },
    // Stopped by `stopAll` too (dispose): no retry may outlive it.
    stoppable: follower => ({ ...follower, stop: () => {
      halt()
      follower.stop()
    } }),
    unsubscribe: stopTracked => () => {
      halt()
      stopReconnect()
      stopTracked()
    },
  }
}
