/**
 * Follows a user's changed jobs (created, status changed, input requested) through a Convex query
 * subscription on `feed:userChanges`, the way convex-control-subscription.ts follows controls: the
 * cursor is the last delivered `changedAt`, which Convex assigns in commit order per user, so each
 * change is handed on once however often results repeat. The subscription starts afresh whenever
 * the cursor moves, so a delivered job that keeps streaming text does not wake it again.
 */
import type { ConvexFacade } from './convex-facade'
import { convexFunctions, type StoredUserChangePage, toJobRecord } from './convex-functions'
import type { JobRecord } from './types'

/** Options of `subscribeToUserJobs`. */
export interface UserJobSubscriptionOptions {
  /** Called when the subscription's query fails or the listener throws. */
  onError?: (error: unknown) => void
}

/** Calls `listener` with the user's jobs changed after this call; returns a function that stops it. */
export function subscribeToUserJobs(
  facade: ConvexFacade,
  userId: string,
  listener: (records: JobRecord[]) => void,
  options: UserJobSubscriptionOptions = {},
): () => void {
  const onError = options.onError ?? ((error: unknown) => console.error('[background-jobs] convex user feed subscription failed', error))
  let lastDelivered: number | undefined
  let stopCurrent: (() => void) | undefined
  let stopped = false

  const listen = () => {
    stopCurrent?.()
    // Without a cursor, the first result only tells the user's latest change: "from now on".
    const args = lastDelivered === undefined ? { userId } : { userId, afterChangedAt: lastDelivered }
    stopCurrent = facade.subscribe(convexFunctions.userChanges, args, onResult, onError)
  }

  const onResult = (page: StoredUserChangePage) => {
    if (stopped) return
    if (lastDelivered === undefined) {
      lastDelivered = page.lastChangedAt
      listen()
      return
    }
    const cursor = lastDelivered
    const fresh = page.changes.filter(change => change.changedAt > cursor)
    if (fresh.length === 0) return
    lastDelivered = fresh[fresh.length - 1]!.changedAt
    try {
      listener(fresh.map(change => toJobRecord(change.record)))
    }
    catch (error) {
      onError(error)
    }
    if (!stopped) listen()
  }

  listen()
  return () => {
    stopped = true
    stopCurrent?.()
  }
}
