/**
 * Follows the controls sent to a job (abort, input answers) through a Convex query subscription,
 * the way convex-subscription.ts follows its events: each result holds the controls numbered after
 * the last delivered one, and only those past it are handed on, so each control reaches the
 * listener once and in order however often results repeat.
 */
import type { ConvexFacade } from './convex-facade'
import { convexFunctions, type StoredControlPage, toStoredJobControl } from './convex-functions'
import type { StoredJobControl } from './types'

/** Subscribe afresh from the last delivered control once a result holds this many. */
const RESUBSCRIBE_AFTER_CONTROLS = 16

/** Options of `subscribeToControls`. */
export interface ControlSubscriptionOptions {
  /**
   * Deliver the controls already stored too (catch-up, then live), e.g. when an instance takes
   * over a job whose owner died. @default false: only controls sent after the subscription starts
   */
  fromStart?: boolean
  /** Called when the subscription's query fails or the listener throws. */
  onError?: (error: unknown) => void
}

/** Calls `listener` with each control sent to `jobId`; returns a function that stops it. */
export function subscribeToControls(
  facade: ConvexFacade,
  jobId: string,
  listener: (control: StoredJobControl) => void,
  options: ControlSubscriptionOptions = {},
): () => void {
  const onError = options.onError ?? ((error: unknown) => console.error('[background-jobs] convex control subscription failed', error))
  let lastDeliveredNumber = options.fromStart ? 0 : undefined
  let stopCurrent: (() => void) | undefined
  let stopped = false

  const listen = () => {
    stopCurrent?.()
    // Without a start number, the first result only tells the job's last number: "from now on".
    const args = lastDeliveredNumber === undefined ? { jobId } : { jobId, afterNumber: lastDeliveredNumber }
    stopCurrent = facade.subscribe(convexFunctions.readControls, args, onResult, onError)
  }

  const onResult = (page: StoredControlPage | null) => {
    if (stopped || page === null) return
    if (lastDeliveredNumber === undefined) {
      lastDeliveredNumber = page.lastNumber
      listen()
      return
    }
    for (const stored of page.controls) {
      // A listener may unsubscribe while handling a control: the rest are then not delivered.
      if (stopped || stored.number <= lastDeliveredNumber) continue
      lastDeliveredNumber = stored.number
      try {
        listener(toStoredJobControl(stored))
      }
      catch (error) {
        onError(error)
      }
    }
    if (!stopped && (page.hasMore || page.controls.length >= RESUBSCRIBE_AFTER_CONTROLS)) listen()
  }

  listen()
  return () => {
    stopped = true
    stopCurrent?.()
  }
}
