/**
 * A user's notification feed: the jobs whose creation, status change or input request committed
 * after a cursor, through the `by_user_changed` index, the jobs deleted after it (`jobDeletions`) and the threads renamed after it (`threads.by_user_renamed`). Instances follow it by a query
 * subscription (server/lib/providers/convex-user-subscription.ts) to tell a user about jobs that
 * run on other instances.
 */
import { getDocumentSize, v } from 'convex/values'
import { serverQuery } from './access'
import { RECORD_PAGE_BYTES } from './limits'
import { jobRecordValidator, lastChangedAt, listedRequestOf, toJobRecord } from './model'
import { changedJobValidator, toChangedJob } from './changedJob'

/** `userChanges` returns at most this many jobs; the caller asks again after the last. */
const READ_LIMIT = 50

/**
 * The user's jobs with `changedAt` > `afterChangedAt`, oldest change first, at most 50 (`hasMore`
 * says there are more). Each job appears once, in its current state: several changes of one job
 * between two reads show as one. Without `afterChangedAt` it returns no jobs, only the user's
 * latest `changedAt` (a subscription's start).
 */
export const userChanges = serverQuery({
  args: {
    userId: v.string(),
    afterChangedAt: v.optional(v.number()),
    /**
     * Records without request and lease (this version's servers ask so). Without it, with the
     * request as a listing gives it and `lease: null`: a server of an earlier version (still running
     * during a rolling deploy, these functions already deployed) decodes the request of each record.
     */
    withoutRequests: v.optional(v.boolean()),
  },
  returns: v.object({
    /** The user's latest `changedAt` when this result was read (0 before the first). */
    lastChangedAt: v.number(),
    changes: v.array(v.object({ changedAt: v.number(), record: v.union(changedJobValidator, jobRecordValidator) })),
    /** Jobs of the user deleted (or, `lost`, found gone by their owner) after the cursor (deletion.ts), in the same `changedAt` order. */
    deletions: v.array(v.object({ changedAt: v.number(), jobId: v.string(), threadId: v.union(v.string(), v.null()), lost: v.optional(v.boolean()) })),
    /**
     * Threads of the user renamed after the cursor (threads:renameThread with a `renameId`), each
     * with its last rename only; a deleted thread has none. `jobId`: the thread's newest job when
     * it was renamed (none for a rename stored by functions before version 6).
     */
    renames: v.array(v.object({ changedAt: v.number(), threadId: v.string(), title: v.string(), renameId: v.string(), jobId: v.optional(v.string()) })),
    hasMore: v.boolean(),
  }),
  handler: async (ctx, { userId, afterChangedAt, withoutRequests = false }) => {
    const latest = await lastChangedAt(ctx.db, userId)
    if (afterChangedAt === undefined || afterChangedAt >= latest) return { lastChangedAt: latest, changes: [], deletions: [], renames: [], hasMore: false }
    // Without their requests (the feed never reads them) nor leases. A page also stops at a byte
    // budget of documents read (at least one job): a document an older version wrote holds its request.
    const changes: Array<{ changedAt: number, record: typeof changedJobValidator.type | typeof jobRecordValidator.type }> = []
    let bytes = 0
    let hasMore = false
    for await (const doc of ctx.db.query('jobs').withIndex('by_user_changed', q => q.eq('userId', userId).gt('changedAt', afterChangedAt))) {
      if (changes.length >= READ_LIMIT) {
        hasMore = true
        break
      }
      // For a server of an earlier version, the request as listed (its feed never reads it, but decodes it).
      const listed = withoutRequests ? null : await listedRequestOf(ctx.db, doc)
      bytes += getDocumentSize(doc) + (listed?.bytesRead ?? 0)
      if (changes.length > 0 && bytes > RECORD_PAGE_BYTES) {
        hasMore = true
        break
      }
      // No lease: reading it would put every heartbeat in this subscription's read set (the
      // notifications it feeds never use it; `jobs:get` has it). No request either: it is up to
      // 1 MB, and would go to every instance following the user on every change of the job.
      changes.push({ changedAt: doc.changedAt ?? 0, record: listed ? toJobRecord(doc, listed.requestJson, null) : toChangedJob(doc) })
    }
    const changesCut = hasMore
    const deletions: Array<{ changedAt: number, jobId: string, threadId: string | null, lost?: boolean }> = []
    let deletionsCut = false
    for await (const deletion of ctx.db.query('jobDeletions').withIndex('by_user_changed', q => q.eq('userId', userId).gt('changedAt', afterChangedAt))) {
      // Never past the last change taken when changes were left out: the cursor moves to the
      // newest item delivered, and the changes before it would be skipped.
      if (hasMore && deletion.changedAt > changes.at(-1)!.changedAt) break
      if (deletions.length >= READ_LIMIT) {
        deletionsCut = true
        hasMore = true
        break
      }
      deletions.push({ changedAt: deletion.changedAt, jobId: deletion.jobId, threadId: deletion.threadId, ...(deletion.lost ? { lost: true } : {}) })
    }
    // Likewise, changes past the last deletion taken wait when deletions were left out.
    const lastDeletion = deletionsCut ? deletions.at(-1)!.changedAt : Number.POSITIVE_INFINITY
    // Renames, under the same rule: none past a list that was cut, and what follows a cut list of them waits.
    const renamesBound = Math.min(changesCut ? changes.at(-1)!.changedAt : Number.POSITIVE_INFINITY, lastDeletion)
    const renames: Array<{ changedAt: number, threadId: string, title: string, renameId: string, jobId?: string }> = []
    let renamesCut = false
    for await (const row of ctx.db.query('threads').withIndex('by_user_renamed', q => q.eq('userId', userId).gt('renamedAt', afterChangedAt))) {
      if (row.renamedAt! > renamesBound) break
      if (renames.length >= READ_LIMIT) {
        renamesCut = true
        hasMore = true
        break
      }
      if (row.title !== undefined && row.renameId !== undefined) renames.push({ changedAt: row.renamedAt!, threadId: row.threadId, title: row.title, renameId: row.renameId, ...(row.renameJobId === undefined ? {} : { jobId: row.renameJobId }) })
    }
    const lastRename = renamesCut ? renames.at(-1)!.changedAt : Number.POSITIVE_INFINITY
    const upTo = Math.min(lastDeletion, lastRename)
    return { lastChangedAt: latest, changes: changes.filter(change => change.changedAt <= upTo), deletions: deletions.filter(deletion => deletion.changedAt <= lastRename), renames, hasMore }
  },
})
