/**
 * Follows a job's event log through a Convex query subscription (no polling): each result holds
 * the batches after the last delivered seq, and only events past that seq are handed on, so every
 * event reaches the listener once and in order, however often results repeat.
 */
import type { EventListener } from './types'
import type { ConvexFacade } from './convex-facade'
import { convexFunctions, eventsAfter, type StoredEventPage } from './convex-functions'

/** Subscribe afresh from the last delivered seq once a result holds this many batches. */
const RESUBSCRIBE_AFTER_BATCHES = 16

/** Options of `subscribeToEvents`. */
export interface EventSubscriptionOptions {
  /** Deliver every event after this seq (catch-up, then live). @default the job's last seq when the subscription starts */
  afterSeq?: number
  /** Called when the subscription's query fails or a listener throws. */
  onError?: (error: unknown) => void
}

/** Calls `listener` with newly stored events of `jobId`; returns a function that stops it. */
export function subscribeToEvents(
  facade: ConvexFacade,
  jobId: string,
  listener: EventListener,
  options: EventSubscriptionOptions = {},
): () => void {
  const onError = options.onError ?? ((error: unknown) => console.error('[background-jobs] convex subscription failed', error))
  let lastDeliveredSeq = options.afterSeq
  let stopCurrent: (() => void) | undefined
  let stopped = false

  const listen = () => {
    stopCurrent?.()
    // Without a start seq, the first result only tells the job's last seq: "from now on".
    const args = lastDeliveredSeq === undefined ? { jobId } : { jobId, afterSeq: lastDeliveredSeq }
    stopCurrent = facade.subscribe(convexFunctions.readEvents, args, onResult, onError)
  }

  const onResult = (page: StoredEventPage | null) => {
    if (stopped || page === null) return
    if (lastDeliveredSeq === undefined) {
      lastDeliveredSeq = page.lastSeq
      listen()
      return
    }
    const fresh = eventsAfter(page, lastDeliveredSeq)
    if (fresh.length > 0) {
      lastDeliveredSeq = fresh[fresh.length - 1]!.seq
      try {
        listener(fresh)
      }
      catch (error) {
        onError(error)
      }
    }
    // Keep each result small: a long job would otherwise resend its whole log on every update.
    if (!stopped && (page.hasMore || page.batches.length >= RESUBSCRIBE_AFTER_BATCHES)) listen()
  }

  listen()
  return () => {
    stopped = true
    stopCurrent?.()
  }
}
