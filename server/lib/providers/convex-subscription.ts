/**
 * Follows a job's event log through a Convex query subscription (no polling), by seq: each
 * result holds the batches after the last delivered seq; every event reaches the listener once
 * and in order, however often results repeat (see convex-cursor-subscription.ts).
 */
import type { JobEvent } from '../../../shared/events'
import type { EventListener } from './types'
import type { ConvexFacade } from './convex-facade'
import { subscribeFromCursor } from './convex-cursor-subscription'
import { convexFunctions, eventsAfter, type StoredEventPage } from './convex-functions'
import { utf8ByteLength } from '../bytes'

/** Subscribe afresh from the last delivered seq once a result holds this many batches … */
const RESUBSCRIBE_AFTER_BATCHES = 16
/**
 * … or this many bytes of events: the query re-runs on every append (it reads the job document),
 * and each run reads and sends every batch after the cursor again — one big batch (a long tool
 * result) would otherwise go out again with each of the next 15 small ones.
 */
const RESUBSCRIBE_AFTER_BYTES = 64 * 1024

/** UTF-8 bytes of a page's events. */
function pageBytes(page: StoredEventPage): number {
  let bytes = 0
  for (const batch of page.batches) bytes += utf8ByteLength(batch.eventsJson)
  return bytes
}

/** Options of `subscribeToEvents`. */
export interface EventSubscriptionOptions {
  /** Deliver every event after this seq (catch-up, then live). @default the job's last seq when the subscription starts */
  afterSeq?: number
  /** Called when the subscription's query fails or a listener throws. */
  onError?: (error: unknown) => void
  /** Called once when the job is no longer stored; nothing more is delivered. */
  onGone?: () => void
}

/** Calls `listener` with newly stored events of `jobId`; returns a function that stops it. */
export function subscribeToEvents(
  facade: ConvexFacade,
  jobId: string,
  listener: EventListener,
  options: EventSubscriptionOptions = {},
): () => void {
  return subscribeFromCursor({
    facade,
    query: convexFunctions.readEvents,
    args: afterSeq => (afterSeq === undefined ? { jobId } : { jobId, afterSeq }),
    start: options.afterSeq,
    read: (page: StoredEventPage | null) => page && {
      head: page.lastSeq,
      items: eventsAfter(page, -1).map((event: JobEvent) => ({ cursor: event.seq, item: event })),
      // Keep each result small: a long job would otherwise resend its whole log on every update.
      again: page.hasMore || page.batches.length >= RESUBSCRIBE_AFTER_BATCHES || pageBytes(page) >= RESUBSCRIBE_AFTER_BYTES,
    },
    deliver: events => listener(events),
    onError: options.onError ?? (error => console.error('[background-jobs] convex subscription failed', error)),
    ...(options.onGone ? { onGone: options.onGone } : {}),
  })
}
