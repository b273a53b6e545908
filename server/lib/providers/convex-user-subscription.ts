/**
 * Follows a user's changed jobs (created, status changed, input requested; without their
 * requests), deleted (or lost) ones and renamed threads
 * through a Convex query subscription on `feed:userChanges`, by `changedAt` — which Convex
 * assigns in commit order per user — so each change is handed on once however often results
 * repeat (see convex-cursor-subscription.ts). It starts afresh whenever the cursor moves, so a
 * delivered job that keeps streaming text does not wake it again.
 */
import type { ConvexFacade } from './convex-facade'
import { subscribeFromCursor } from './convex-cursor-subscription'
import { convexFunctions, type StoredUserChangePage, toChangedJobRecord } from './convex-functions'
import type { ChangedJobRecord, ThreadRenamed } from './types'

/** Options of `subscribeToUserJobs`. */
export interface UserJobSubscriptionOptions {
  /** Called when the subscription's query fails or the listener throws. */
  onError?: (error: unknown) => void
  /** Called with the id of each job of the user deleted after this call (`jobDeletions`). */
  onDeleted?: (jobId: string) => void
  /** Likewise for each job its owner found gone (`jobDeletions` marked `lost`: `deletion:recordLost`). */
  onLost?: (jobId: string) => void
  /** Called with each thread of the user renamed after this call (its last rename, `renames`). */
  onRenamed?: (rename: ThreadRenamed) => void
  /** Start from this time (epoch ms) rather than from the call. */
  since?: number
}

type UserChange = StoredUserChangePage['changes'][number]
type UserDeletion = StoredUserChangePage['deletions'][number]
type UserRename = StoredUserChangePage['renames'][number]
/** One item of the feed: a changed job, a deleted one, or a renamed thread. */
type FeedItem = { change: UserChange } | { deletion: UserDeletion } | { rename: UserRename }

/**
 * Calls `listener` with the user's jobs changed after this call (by this instance's clock against
 * the deployment's `changedAt`, or from the first result when that is earlier); returns a function
 * that stops it.
 */
export function subscribeToUserJobs(
  facade: ConvexFacade,
  userId: string,
  listener: (records: ChangedJobRecord[]) => void,
  options: UserJobSubscriptionOptions = {},
): () => void {
  return subscribeFromCursor({
    facade,
    query: convexFunctions.userChanges,
    // Without requests (servers of an earlier version get them, and decode them).
    args: afterChangedAt => (afterChangedAt === undefined ? { userId, withoutRequests: true } : { userId, afterChangedAt, withoutRequests: true }),
    // `changedAt` is the deployment's clock (model.ts): a change committed after this call but
    // before the first result (a round trip to the deployment) is delivered, not taken as "before".
    startAtMost: Math.min(Date.now(), options.since ?? Number.POSITIVE_INFINITY),
    read: (page: StoredUserChangePage) => ({
      head: page.lastChangedAt,
      items: [
        ...page.changes.map(change => ({ cursor: change.changedAt, item: { change } as FeedItem })),
        // Absent from a deployment that predates deletions.
        ...(page.deletions ?? []).map(deletion => ({ cursor: deletion.changedAt, item: { deletion } as FeedItem })),
        // Absent from a deployment that predates renames in the feed.
        ...(page.renames ?? []).map(rename => ({ cursor: rename.changedAt, item: { rename } as FeedItem })),
      ].sort((a, b) => a.cursor - b.cursor),
      again: page.changes.length > 0 || (page.deletions?.length ?? 0) > 0 || (page.renames?.length ?? 0) > 0,
    }),
    deliver: (items) => {
      // In order: a run of changed records goes out as one batch, a deletion or rename between them on its own.
      let records: ChangedJobRecord[] = []
      for (const item of items) {
        if ('change' in item) {
          records.push(toChangedJobRecord(item.change.record))
          continue
        }
        if (records.length > 0) listener(records)
        records = []
        if ('rename' in item) {
          const { threadId, title, renameId, jobId } = item.rename
          // No job id: renamed through functions before version 6.
          options.onRenamed?.({ threadId, title, renameId, jobId: jobId ?? '' })
          continue
        }
        const tell = item.deletion.lost ? options.onLost : options.onDeleted
        tell?.(item.deletion.jobId)
      }
      if (records.length > 0) listener(records)
    },
    onError: options.onError ?? (error => console.error('[background-jobs] convex user feed subscription failed', error)),
  })
}
