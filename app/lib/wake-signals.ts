/**
 * "The device may just have come back": the network is back (`online`), the tab is shown again
 * (`visibilitychange` to visible: a phone's browser brought to the front, a laptop woken up), or
 * the page was restored from the back/forward cache (`pageshow`). A follower waiting out a backoff
 * asks again at once instead of up to its longest delay later, and an open stream that may have
 * died silently meanwhile is checked.
 */

/** Calls `wake` on each such signal; returns the unsubscribe. */
export type WakeSubscription = (wake: () => void) => () => void

/** The browser's signals (nothing outside a browser). */
export const subscribeToWakeSignals: WakeSubscription = (wake) => {
  if (typeof window === 'undefined' || typeof document === 'undefined') return () => {}
  const onVisibility = () => {
    if (document.visibilityState === 'visible') wake()
  }
  window.addEventListener('online', wake)
  window.addEventListener('pageshow', wake)
  document.addEventListener('visibilitychange', onVisibility)
  return () => {
    window.removeEventListener('online', wake)
    window.removeEventListener('pageshow', wake)
    document.removeEventListener('visibilitychange', onVisibility)
  }
}
