/**
 * Follows the controls sent to a job (abort, input answers) through a Convex query subscription,
 * by control number: each control reaches the listener once and in order however often results
 * repeat (see convex-cursor-subscription.ts).
 */
import type { ConvexFacade } from './convex-facade'
import { subscribeFromCursor } from './convex-cursor-subscription'
import { convexFunctions, type StoredControlPage, toStoredJobControl } from './convex-functions'
import type { StoredJobControl } from './types'
import { utf8ByteLength } from '../bytes'

/** Subscribe afresh from the last delivered control once a result holds this many … */
const RESUBSCRIBE_AFTER_CONTROLS = 16
/**
 * … or this many bytes of answers and replies: the query re-runs on every control sent and every
 * reply patched onto one, and each run reads and sends every control after the cursor again — a
 * large answer (a pasted document) would otherwise go out again with each later control and reply.
 */
const RESUBSCRIBE_AFTER_BYTES = 64 * 1024

/** UTF-8 bytes of a page's answers and replies. */
function pageBytes(page: StoredControlPage): number {
  let bytes = 0
  for (const control of page.controls) bytes += utf8ByteLength(control.answerJson ?? '') + utf8ByteLength(control.replyJson ?? '')
  return bytes
}

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
  return subscribeFromCursor({
    facade,
    query: convexFunctions.readControls,
    args: afterNumber => (afterNumber === undefined ? { jobId } : { jobId, afterNumber }),
    start: options.fromStart ? 0 : undefined,
    read: (page: StoredControlPage | null) => page && {
      head: page.lastNumber,
      items: page.controls.map(stored => ({ cursor: stored.number, item: stored })),
      again: page.hasMore || page.controls.length >= RESUBSCRIBE_AFTER_CONTROLS || pageBytes(page) >= RESUBSCRIBE_AFTER_BYTES,
    },
    deliver(controls, stopped) {
      for (const stored of controls) {
        // A listener may unsubscribe while handling a control: the rest are then not delivered.
        if (stopped()) return
        try {
          listener(toStoredJobControl(stored))
        }
        catch (error) {
          onError(error)
        }
      }
    },
    onError,
  })
}
