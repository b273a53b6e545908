/**
 * A node's time limit that stops counting while the node waits for a human: a tool node (or an
 * agent's tool call) that needs approval waits as long as its input request allows
 * (`limits.inputTimeoutMs`, or the request's own expiry), not `limits.nodeTimeoutMs`. The limit
 * is about the node's own work; the human's wait has its own expiry and `onTimeout`.
 */
import type { TimerSet } from '../timers'

/** A running node's time limit. */
export interface NodeDeadline {
  /** Stops the clock until the returned function is called (calls nest: it restarts after the last). */
  pause(): () => void
  /** The time the node has left (Infinity without a limit; what was left at the pause while paused). */
  timeLeftMs(): number
  /** Clears the timer (on every path). */
  cancel(): void
}

/** Options of `createNodeDeadline`. */
export interface NodeDeadlineOptions {
  /** The node's time limit; null for no limit. */
  timeoutMs: number | null
  timers: TimerSet
  now: () => number
  /** Called once when the time is up. */
  onExpired: () => void
}

/** Starts a node's time limit. */
export function createNodeDeadline(options: NodeDeadlineOptions): NodeDeadline {
  const { timeoutMs, timers, now, onExpired } = options
  if (timeoutMs === null) return { pause: () => () => {}, timeLeftMs: () => Number.POSITIVE_INFINITY, cancel() {} }
  let remainingMs = timeoutMs
  let startedAt = now()
  let pauses = 0
  let done = false
  let cancelTimer = timers.timeout(expire, remainingMs)

  function expire() {
    done = true
    onExpired()
  }

  return {
    pause() {
      if (done) return () => {}
      if (pauses++ === 0) {
        cancelTimer()
        remainingMs = Math.max(0, remainingMs - (now() - startedAt))
      }
      let resumed = false
      return () => {
        if (resumed) return
        resumed = true
        if (--pauses > 0 || done) return
        startedAt = now()
        cancelTimer = timers.timeout(expire, remainingMs)
      }
    },
    timeLeftMs() {
      if (done) return 0
      return pauses > 0 ? remainingMs : Math.max(0, remainingMs - (now() - startedAt))
    },
    cancel() {
      done = true
      cancelTimer()
    },
  }
}
