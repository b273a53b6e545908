/**
 * Hands a value to an app's listeners (`onNotification`, `onDeleted`: one per component), each on
 * its own, as `EventTarget` does: a listener that throws is reported (console.error) and the
 * others still run. Otherwise one component's bug kept every listener after it from hearing of the
 * notification, and a deletion's listener that threw made `remove()` reject — with a
 * `BackgroundJobsApiError` saying no answer came — for a job the server had deleted.
 */

/** Calls each listener with `value`; `what` names them in the report of one that throws. */
export function callEachListener<T>(listeners: Iterable<(value: T) => void>, value: T, what: string): void {
  for (const listener of listeners) {
    try {
      listener(value)
    }
    catch (error) {
      console.error(`[nuxt-background-jobs] an ${what} listener threw:`, error)
    }
  }
}
