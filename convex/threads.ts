/**
 * A user's threads: one `threads` document per user + thread, holding the time of the thread's
 * newest job, kept by `jobs:create` (`indexThreadJob`) and by every deletion of a job (deletion.ts
 * and retention in cleanup.ts, through `unindexThreadJob`). `listThreads` reads a page of them by
 * index, with each thread's first and last job. Jobs stored before this table existed get their
 * rows from `backfillThreads` (run once after upgrading; docs/providers.md). A title the user gave
 * a thread (`renameThread`) is kept on its row, so it goes with the thread's last job.
 */
import { ConvexError, getDocumentSize, v } from 'convex/values'
import type { Doc } from './_generated/dataModel'
import { internal } from './_generated/api'
import type { DatabaseReader, DatabaseWriter } from './_generated/server'
import { internalMutation } from './_generated/server'
import { serverMutation, serverQuery } from './access'
import { leaseOf } from './leaseStore'
import { RECORD_PAGE_BYTES, THREAD_PAGE_QUERIES } from './limits'
import { jobRecordValidator, type JobRecordValue, listedRequestOf, nextChangedAt, toJobRecord } from './model'

/** Jobs one backfill mutation reads before it schedules the next. */
const BACKFILL_PAGE = 200
/**
 * The largest `pageSize` an operator may ask for: each job of a page reads its thread's row (one
 * index range of Convex's 4,096 per mutation), so a page of more than ~4,000 jobs with threads
 * failed whole, every time it was scheduled again.
 */
export const MAX_BACKFILL_PAGE = 1_000
/**
 * … and job document bytes: a version before `jobRequests` kept each job's request (up to the body
 * limit) inside its job document, so 200 of them could pass a transaction's 16 MiB read.
 */
const BACKFILL_BYTES = 8 * 1_048_576
/** The most threads one page lists. */
const MAX_THREADS = 100
/** A thread's jobs not yet ended, by status (a chat thread runs one turn at a time; a few at most). */
const ACTIVE_STATUSES = ['queued', 'running', 'waiting'] as const
/** The most jobs of one status a thread lists as active (a bound on what one query reads). */
const MAX_ACTIVE_PER_STATUS = 100

type ThreadJob = Pick<Doc<'jobs'>, 'userId' | 'threadId' | 'createdAt'>

async function threadRow(db: DatabaseReader, userId: string, threadId: string) {
  return await db.query('threads').withIndex('by_user_thread', q => q.eq('userId', userId).eq('threadId', threadId)).unique()
}

/** Counts a new job in its thread (none for a job without one): the thread's newest time moves up. */
export async function indexThreadJob(db: DatabaseWriter, job: ThreadJob): Promise<void> {
  if (job.threadId === null) return
  const row = await threadRow(db, job.userId, job.threadId)
  if (!row) await db.insert('threads', { userId: job.userId, threadId: job.threadId, newestAt: job.createdAt })
  else if (job.createdAt > row.newestAt) await db.patch(row._id, { newestAt: job.createdAt })
}

/** After a job of a thread was deleted: the thread moves to its newest job left, or goes with its last. */
export async function unindexThreadJob(db: DatabaseWriter, job: ThreadJob): Promise<void> {
  if (job.threadId === null) return
  const threadId = job.threadId
  const row = await threadRow(db, job.userId, threadId)
  if (!row) return
  // A job older than the thread's newest leaves the row as it is, and the newest job is not read:
  // it is often the turn streaming now, patched by every append, and a retention batch or a
  // deletion that read it would conflict with each of those appends.
  if (job.createdAt < row.newestAt) return
  const newest = await db.query('jobs').withIndex('by_user_thread', q => q.eq('userId', job.userId).eq('threadId', threadId)).order('desc').first()
  if (!newest) await db.delete(row._id)
  else if (newest.createdAt !== row.newestAt) await db.patch(row._id, { newestAt: newest.createdAt })
}

const cursorValidator = v.object({ newestAt: v.number(), threadId: v.string() })

const cursorOf = (row: Doc<'threads'>) => ({ newestAt: row.newestAt, threadId: row.threadId })
const withoutRow = <Thread extends { row: Doc<'threads'> }>({ row: _row, ...thread }: Thread) => thread

/** A listed thread: its jobs once each, named by id, and the title its user gave it, if any. */
interface ListedThread { threadId: string, title?: string, jobs: JobRecordValue[], firstId: string, lastId: string, activeIds: string[] }

/**
 * A thread for a caller that did not ask `byId`, in both shapes of earlier versions: servers
 * before d6a1d7bd read the `first`, `last` and `active` records (one job may be all three), the
 * servers after it until `byId` existed read `jobs` by `firstId`, `lastId` and `activeIds`; both
 * call with the same arguments.
 */
function olderShapes(thread: ListedThread) {
  const record = (jobId: string) => thread.jobs.find(job => job.jobId === jobId)!
  return { ...thread, first: record(thread.firstId), last: record(thread.lastId), active: thread.activeIds.map(record) }
}

/**
 * A page of the user's threads, newest first (ties by thread id, descending), each with its first
 * and last job and its jobs not yet ended: each of those jobs once in `jobs` (a thread's only job is
 * its first, its last and active, and its request is up to 1 MB), named by id in `firstId`, `lastId`
 * and `activeIds` (without `byId`, also as `first`, `last` and `active`). Fewer than `limit` (with `next`
 * set) when the records pass the byte or index-range budget of one query; a first thread that alone
 * passes the byte budget lists its further active jobs without their request (`requestJson: 'null'`).
 */
export const listThreads = serverQuery({
  args: {
    userId: v.string(),
    limit: v.number(),
    before: v.optional(v.union(cursorValidator, v.null())),
    /**
     * Each job once, named by id (this version's servers ask so). Without it, each thread's
     * `first`, `last` and `active` records too, as servers of earlier versions (still running during
     * a rolling deploy, these functions already deployed) read them.
     */
    byId: v.optional(v.boolean()),
  },
  returns: v.object({
    threads: v.array(v.union(
      v.object({ threadId: v.string(), title: v.optional(v.string()), jobs: v.array(jobRecordValidator), firstId: v.string(), lastId: v.string(), activeIds: v.array(v.string()) }),
      v.object({ threadId: v.string(), title: v.optional(v.string()), jobs: v.array(jobRecordValidator), firstId: v.string(), lastId: v.string(), activeIds: v.array(v.string()), first: jobRecordValidator, last: jobRecordValidator, active: v.array(jobRecordValidator) }),
    )),
    next: v.union(cursorValidator, v.null()),
  }),
  handler: async (ctx, { userId, limit: asked, before, byId = false }) => {
    const limit = Math.max(0, Math.min(asked, MAX_THREADS))
    // Tied with the cursor's time and after it, then older: two index ranges, newest first.
    const ranges = before
      ? [
          ctx.db.query('threads').withIndex('by_user_newest', q => q.eq('userId', userId).eq('newestAt', before.newestAt).lt('threadId', before.threadId)).order('desc'),
          ctx.db.query('threads').withIndex('by_user_newest', q => q.eq('userId', userId).lt('newestAt', before.newestAt)).order('desc'),
        ]
      : [ctx.db.query('threads').withIndex('by_user_newest', q => q.eq('userId', userId)).order('desc')]
    const rows: Doc<'threads'>[] = []
    for (const range of ranges) {
      if (rows.length > limit) break
      rows.push(...await range.take(limit + 1 - rows.length))
    }
    const threads: Array<ListedThread & { row: Doc<'threads'> }> = []
    const shaped = (thread: ListedThread & { row: Doc<'threads'> }) => byId ? withoutRow(thread) : olderShapes(withoutRow(thread))
    let bytes = 0
    // Index ranges read, counted as each thread's most: many small records pass Convex's 4,096 long before the byte budget.
    let queries = ranges.length
    for (const row of rows.slice(0, limit)) {
      queries += 2 + ACTIVE_STATUSES.length
      const range = () => ctx.db.query('jobs').withIndex('by_user_thread', q => q.eq('userId', userId).eq('threadId', row.threadId))
      const [firstDoc, lastDoc] = [await range().order('asc').first(), await range().order('desc').first()]
      if (!firstDoc || !lastDoc) continue
      // The thread's live part, through its own index: never every active job of the user (a user
      // with thousands running would pass the read limits at any page size).
      const activeDocs = (await Promise.all(ACTIVE_STATUSES.map(status => ctx.db.query('jobs')
        .withIndex('by_user_thread_status', q => q.eq('userId', userId).eq('threadId', row.threadId).eq('status', status))
        .take(MAX_ACTIVE_PER_STATUS))))
        .flat()
        .sort((left, right) => left.createdAt - right.createdAt)
      // Each record comes with its request (up to the body limit), counted as it is read: past the
      // budget, the page ends before this thread (the first or last job may be active too: read once).
      const records = new Map<string, JobRecordValue>()
      let overBudget = false
      for (const doc of [firstDoc, lastDoc, ...activeDocs]) {
        if (records.has(doc.jobId)) continue
        // The page's first thread cannot end the page before it: past the budget, its further
        // active jobs come without their request (`null`, as a job whose request is gone), counted
        // by their document: read with it, 17 active jobs with 1 MB requests passed a query's 16 MiB
        // read, and the user's thread list failed until they ended. A summary reads their status only.
        if (threads.length === 0 && bytes > RECORD_PAGE_BYTES) {
          records.set(doc.jobId, toJobRecord(doc, 'null', await leaseOf(ctx.db, doc)))
          bytes += getDocumentSize(doc)
          queries += 1
          continue
        }
        // Sent back as a listing's (what a summary shows), counted as read.
        const listed = await listedRequestOf(ctx.db, doc)
        records.set(doc.jobId, toJobRecord(doc, listed.requestJson, await leaseOf(ctx.db, doc)))
        bytes += getDocumentSize(doc) + listed.bytesRead
        queries += 3
        if (threads.length > 0 && (bytes > RECORD_PAGE_BYTES || queries > THREAD_PAGE_QUERIES)) {
          overBudget = true
          break
        }
      }
      if (overBudget) return { threads: threads.map(shaped), next: cursorOf(threads.at(-1)!.row) }
      threads.push({ row, threadId: row.threadId, ...(row.title === undefined ? {} : { title: row.title }), jobs: [...records.values()], firstId: firstDoc.jobId, lastId: lastDoc.jobId, activeIds: activeDocs.map(doc => doc.jobId) })
    }
    const lastRow = rows[limit - 1]
    return { threads: threads.map(shaped), next: rows.length > limit && lastRow ? cursorOf(lastRow) : null }
  },
})

/**
 * Gives the user's thread the title they chose (replacing an earlier one): the id of the thread's
 * newest job, or false with nothing written when the user has no such thread (no row, or no job:
 * no job of theirs carries it). Servers before version 6 read any answer but false as done. The
 * rename is the user's next change (`renamedAt`), which `feed:userChanges` reports to the instances
 * following the user with that job id; the row keeps the last one only. `renameId`: the renaming
 * server's id of it (servers since version 5, which tell their own streams at once and drop the
 * feed's copy by it); a server of an earlier version sends none (its feed reads no renames), and
 * the rename gets one here, so the other instances' streams hear it too.
 */
export const renameThread = serverMutation({
  args: { userId: v.string(), threadId: v.string(), title: v.string(), renameId: v.optional(v.string()) },
  returns: v.union(v.string(), v.literal(false)),
  handler: async (ctx, { userId, threadId, title, renameId }) => {
    const row = await threadRow(ctx.db, userId, threadId)
    if (!row) return false
    const newest = await ctx.db.query('jobs').withIndex('by_user_thread', q => q.eq('userId', userId).eq('threadId', threadId)).order('desc').first()
    if (!newest) return false
    const renamedAt = await nextChangedAt(ctx.db, userId)
    // A user's changedAt is never given twice: an id of its own for a rename an older server stored.
    await ctx.db.patch(row._id, { title, renameId: renameId ?? `older-server:${renamedAt}`, renamedAt, renameJobId: newest.jobId })
    return newest.jobId
  },
})

/**
 * Gives every stored job with a thread its `threads` row (jobs stored before the table existed),
 * `pageSize` jobs (and at most `BACKFILL_BYTES` of them) per mutation, scheduling itself until the
 * table is read. Safe to run again, and while jobs are created or deleted. Run once after upgrading: `npx convex run threads:backfillThreads`.
 */
export const backfillThreads = internalMutation({
  args: { cursor: v.optional(v.union(v.string(), v.null())), pageSize: v.optional(v.number()) },
  returns: v.object({ indexed: v.number(), done: v.boolean() }),
  handler: async (ctx, { cursor, pageSize }) => {
    // Checked before anything is read: 0, NaN or a fraction is no page size, and a size past the
    // limit failed only once enough jobs were stored, on a later page of the chain.
    if (pageSize !== undefined && !(Number.isInteger(pageSize) && pageSize >= 1 && pageSize <= MAX_BACKFILL_PAGE)) {
      throw new ConvexError(`pageSize must be a whole number from 1 to ${MAX_BACKFILL_PAGE} (leave it out for ${BACKFILL_PAGE}), got ${pageSize}`)
    }
    // A page stops early at the byte budget (Convex then returns what it read, and the cursor after it).
    const page = await ctx.db.query('jobs').paginate({ cursor: cursor ?? null, numItems: pageSize ?? BACKFILL_PAGE, maximumBytesRead: BACKFILL_BYTES })
    let indexed = 0
    for (const job of page.page) {
      if (job.threadId === null) continue
      await indexThreadJob(ctx.db, job)
      indexed++
    }
    if (!page.isDone) await ctx.scheduler.runAfter(0, internal.threads.backfillThreads, { cursor: page.continueCursor, ...(pageSize === undefined ? {} : { pageSize }) })
    return { indexed, done: page.isDone }
  },
})
