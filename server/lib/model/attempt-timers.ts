/**
 * The first-token and stall limits of one upstream attempt, cheap enough to run on every chunk:
 * the stall timer is armed once and, when it fires, re-arms itself for the remaining time if a
 * read started meanwhile — instead of a clearTimeout + setTimeout per chunk. Time comes from the
 * monotonic `performance.now()` (a wall-clock jump must not fake a stall; fake timers move it too).
 */
import { UpstreamTimeoutError } from './errors'

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

/** Starts the first-token timer at once; `onTimeout` gets the error to abort the attempt with. */
export function createAttemptTimers(limits: AttemptLimits, onTimeout: (error: UpstreamTimeoutError) => void): AttemptTimers {
  const { firstTokenTimeoutMs, stallTimeoutMs } = limits
  let firstToken: ReturnType<typeof setTimeout> | undefined = setTimeout(() => {
    firstToken = undefined
    onTimeout(new UpstreamTimeoutError('first-token', firstTokenTimeoutMs))
  }, firstTokenTimeoutMs)
  let stall: ReturnType<typeof setTimeout> | undefined
  // When the pending read started; undefined while no read is pending.
  let readStartedAtMs: number | undefined

  function checkStall(): void {
    stall = undefined
    // No read pending: the next readStarted() arms a fresh timer.
    if (readStartedAtMs === undefined) return
    const waitedMs = performance.now() - readStartedAtMs
    if (waitedMs >= stallTimeoutMs) onTimeout(new UpstreamTimeoutError('stall', stallTimeoutMs))
    else stall = setTimeout(checkStall, stallTimeoutMs - waitedMs)
  }

  return {
    clearFirstToken() {
      if (firstToken === undefined) return
      clearTimeout(firstToken)
      firstToken = undefined
    },
    readStarted() {
      readStartedAtMs = performance.now()
      stall ??= setTimeout(checkStall, stallTimeoutMs)
    },
    readEnded() {
      readStartedAtMs = undefined
    },
    clearAll() {
      clearTimeout(firstToken)
      clearTimeout(stall)
      firstToken = undefined
      stall = undefined
      readStartedAtMs = undefined
    },
  }
}
