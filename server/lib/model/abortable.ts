/**
 * Small helpers that make waiting stop at once when a signal aborts, and leave no listener or
 * timer behind on any path.
 */
import { abortReason } from '../../../shared/race-abort'
import type { TimerSet } from '../timers'

export { abortReason, raceAbort } from '../../../shared/race-abort'

/** Waits `delayMs` on a timer of `timers` (fake-timer friendly); an abort clears the timer and rejects. */
export function abortableDelay(delayMs: number, signal: AbortSignal, timers: TimerSet): Promise<void> {
  if (signal.aborted) return Promise.reject(abortReason(signal))
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      cancelTimer()
      reject(abortReason(signal))
    }
    const cancelTimer = timers.timeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, delayMs)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
