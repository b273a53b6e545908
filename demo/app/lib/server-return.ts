/**
 * Waits for a server that said it was going away to answer again. A graceful shutdown (SIGTERM)
 * ends the running jobs `failed` with code `shutdown` just before the server stops: the job's
 * stream ends normally, so its follower reports nothing more, yet the server is down. Until the
 * server answers, the turn must say "unreachable, retrying", not "the server restarted". This asks
 * `check` (e.g. `GET /api/jobs/:id`) now, then after 1 s, 2 s, 4 s … (at most 10 s, as the job
 * follower does), and at once when the device may be back (wake-signals.ts). Framework-free, so
 * it is unit-tested with fake timers.
 */
import { REOPEN_BASE_DELAY_MS, REOPEN_MAX_DELAY_MS } from '../../../app/lib/job-stream'
import type { WakeSubscription } from '../../../app/lib/wake-signals'
import { subscribeToWakeSignals } from '../../../app/lib/wake-signals'

/** How the wait stands: `reconnecting` until the first answer is missed, then `offline`. */
export type ServerReturnState = 'reconnecting' | 'offline'

/** What `waitForServerReturn` needs. */
export interface ServerReturnOptions {
  /** Resolves when the server answered (whatever it said), rejects when it could not be reached. */
  check: () => Promise<void>
  /** The wait's state changed. */
  onStateChange: (state: ServerReturnState) => void
  /** The server answered: called once, after which the wait is over. */
  onBack: () => void
  /** @default the browser's (wake-signals.ts) */
  subscribeToWake?: WakeSubscription
  /** @default setTimeout / clearTimeout */
  setTimer?: (callback: () => void, delayMs: number) => unknown
  clearTimer?: (timer: unknown) => void
}

/** A running wait. */
export interface ServerReturnHandle {
  /** Stops waiting (idempotent); `onBack` is then never called. */
  close: () => void
}

/** Starts waiting for the server; the first check goes out at once. */
export function waitForServerReturn(options: ServerReturnOptions): ServerReturnHandle {
  const setTimer = options.setTimer ?? ((callback, delayMs) => setTimeout(callback, delayMs))
  const clearTimer = options.clearTimer ?? (timer => clearTimeout(timer as ReturnType<typeof setTimeout>))
  let closed = false
  let checking = false
  let timer: unknown = null
  let misses = 0
  /**
   * A wake signal came while an ask was on its way: that ask may have left before the network was
   * back, so if it fails, the next one goes at once rather than after the backoff.
   */
  let wokeWhileChecking = false

  async function check(): Promise<void> {
    if (closed || checking) return
    checking = true
    try {
      await options.check()
    }
    catch {
      checking = false
      if (closed) return
      if (misses++ === 0) options.onStateChange('offline')
      const delayMs = wokeWhileChecking ? 0 : Math.min(REOPEN_BASE_DELAY_MS * 2 ** (misses - 1), REOPEN_MAX_DELAY_MS)
      wokeWhileChecking = false
      timer = setTimer(() => {
        timer = null
        void check()
      }, delayMs)
      return
    }
    checking = false
    if (closed) return
    close()
    options.onBack()
  }

  /** The device may be back: ask now instead of after the delay. */
  function wake(): void {
    if (closed) return
    if (checking) {
      wokeWhileChecking = true
      return
    }
    if (timer === null) return
    clearTimer(timer)
    timer = null
    void check()
  }

  function close(): void {
    if (closed) return
    closed = true
    unsubscribeFromWake()
    if (timer !== null) clearTimer(timer)
    timer = null
  }

  const unsubscribeFromWake = (options.subscribeToWake ?? subscribeToWakeSignals)(wake)
  options.onStateChange('reconnecting')
  void check()
  return { close }
}
