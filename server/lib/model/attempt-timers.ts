/**
 * The first-token and stall limits of one upstream attempt, cheap enough to run on every chunk:
 * the stall timer is armed once and, when it fires, re-arms itself for the remaining time if a
 * read started meanwhile — instead of a clearTimeout + setTimeout per chunk. Time comes from the
 * monotonic `performance.now()` (a wall-clock jump must not fake a stall; fake timers move it too).
 *
 * A timer that fires late means our own process was busy (a long synchronous stretch): bytes the
 * upstream sent meanwhile may still sit unread. Then the decision waits one more event-loop turn
 * (a timer set in the timers phase runs after the next I/O poll), so only real upstream silence
 * counts as a timeout. A timer that fires on time decides at once.
 */
import type { TimerSet } from '../timers'
import { UpstreamTimeoutError } from './errors'

/** A timer this late (ms) means the event loop was busy, not that the upstream was silent. */
const LATE_TIMER_MS = 10

/** The limits, as in `ModelClientOptions`. */
export interface AttemptLimits {
  firstTokenTimeoutMs: number
  stallTimeoutMs: number
}

/** The timers of one attempt. */
export interface AttemptTimers {
  /** The first event went out: the first-token limit no longer applies. */
  clearFirstToken(): void
  /** A body read starts (after the first event): it must end within the stall limit. */
  readStarted(): void
  /** The pending read ended; time the consumer spends elsewhere does not count as a stall. */
  readEnded(): void
  /** Clears every timer (every path ends here). */
  clearAll(): void
}

/**
 * Starts the first-token timer at once; `onTimeout` gets the error to abort the attempt with.
 * The timers are `timers`' (the job's), so they are counted with the job's other timers.
 */
export function createAttemptTimers(limits: AttemptLimits, onTimeout: (error: UpstreamTimeoutError) => void, timers: TimerSet): AttemptTimers {
  const { firstTokenTimeoutMs, stallTimeoutMs } = limits
  let firstTokenSeen = false
  const firstTokenDueAtMs = performance.now() + firstTokenTimeoutMs
  const firstTokenExpired = () => {
    firstToken = undefined
    if (firstTokenSeen) return
    onTimeout(new UpstreamTimeoutError('first-token', firstTokenTimeoutMs))
  }
  // Each holds the cancel function of a pending timer, undefined when none is pending.
  let firstToken: (() => void) | undefined = timers.timeout(() => {
    // Late: let the I/O that piled up while we were busy come in first.
    if (performance.now() - firstTokenDueAtMs >= LATE_TIMER_MS) firstToken = timers.timeout(firstTokenExpired, 0)
    else firstTokenExpired()
  }, firstTokenTimeoutMs)
  let stall: (() => void) | undefined
  // When the pending read started; undefined while no read is pending.
  let readStartedAtMs: number | undefined

  // When the stall timer is due, and whether this firing already gave the I/O one more turn.
  let stallDueAtMs = 0
  let graceGiven = false

  function armStall(delayMs: number, grace = false): void {
    stallDueAtMs = performance.now() + delayMs
    graceGiven = grace
    stall = timers.timeout(checkStall, delayMs)
  }

  function checkStall(): void {
    stall = undefined
    // No read pending: the next readStarted() arms a fresh timer.
    if (readStartedAtMs === undefined) return
    const now = performance.now()
    const waitedMs = now - readStartedAtMs
    if (waitedMs < stallTimeoutMs) armStall(stallTimeoutMs - waitedMs)
    else if (!graceGiven && now - stallDueAtMs >= LATE_TIMER_MS) armStall(0, true)
    else onTimeout(new UpstreamTimeoutError('stall', stallTimeoutMs))
  }

  return {
    clearFirstToken() {
      firstTokenSeen = true
      firstToken?.()
      firstToken = undefined
    },
    readStarted() {
      readStartedAtMs = performance.now()
      if (stall === undefined) armStall(stallTimeoutMs)
    },
    readEnded() {
      readStartedAtMs = undefined
    },
    clearAll() {
      firstTokenSeen = true
      firstToken?.()
      stall?.()
      firstToken = undefined
      stall = undefined
      readStartedAtMs = undefined
    },
  }
}
