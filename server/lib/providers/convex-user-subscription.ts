/**
 * Follows a user's changed jobs (created, status changed, input requested) through a Convex query
 * subscription on `feed:userChanges`, by `changedAt` — which Convex assigns in commit order per
 * user — so each change is handed on once however often results repeat (see
 * convex-cursor-subscription.ts). It starts afresh whenever the cursor moves, so a delivered job
 * that keeps streaming text does not wake it again.
 */
import type { ConvexFacade } from './convex-facade'
import { subscribeFromCursor } from './convex-cursor-subscription'
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
  return subscribeFromCursor({
    facade,
    query: convexFunctions.userChanges,
    args: afterChangedAt => (afterChangedAt === undefined ? { userId } : { userId, afterChangedAt }),
    read: (page: StoredUserChangePage) => ({
      head: page.lastChangedAt,
      items: page.changes.map(change => ({ cursor: change.changedAt, item: change })),
      again: page.changes.length > 0,
    }),
    deliver: changes => listener(changes.map(change => toJobRecord(change.record))),
    onError: options.onError ?? (error => console.error('[background-jobs] convex user feed subscription failed', error)),
  })
}
