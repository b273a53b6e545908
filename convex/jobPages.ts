/**
 * A user's jobs, one page at a time, newest first (`createdAt` descending, then `jobId`
 * descending, as every provider orders them), optionally strictly older than a bound (keyset
 * paging). Each read goes through an index that ends in `createdAt`, bounded there by the page's
 * bound, so a page never walks the jobs newer than it. A page stops early, before `limit`, when the
 * documents it read pass a byte budget (a transaction's read limits): it then says where to go on
 * (`resume`), and the caller reads again from there. `resume` is null only when nothing older is
 * left to read.
 */
import { getDocumentSize, v } from 'convex/values'
import type { Doc } from './_generated/dataModel'
import type { DatabaseReader } from './_generated/server'
import { serverQuery } from './access'
import { leaseOf } from './leaseStore'
import { RECORD_PAGE_BYTES } from './limits'
import { ALL_STATUSES, compareNewestFirst, jobRecordValidator, type JobRecordValue, listedRequestOf, toJobRecord } from './model'
import { jobStatusValidator, type StoredJobStatus } from './schema'

/** A page returns at most this many jobs when no limit is given. */
export const DEFAULT_PAGE_LIMIT = 50
/** … and never more than this (the caller reads on from `resume`). */
export const MAX_PAGE_LIMIT = 500

/** A place in the order: the page holds only jobs strictly after (older than) it. */
export const pageBoundValidator = v.object({ createdAt: v.number(), jobId: v.string() })
type PageBound = typeof pageBoundValidator.type

/** The arguments of a page. */
export const pageArgs = {
  userId: v.string(),
  statuses: v.optional(v.array(jobStatusValidator)),
  threadId: v.optional(v.string()),
  messageId: v.optional(v.string()),
  before: v.optional(pageBoundValidator),
  limit: v.optional(v.number()),
}
type PageArgs = { userId: string, statuses?: StoredJobStatus[], threadId?: string, messageId?: string, before?: PageBound, limit?: number }

/** What a page returns. */
export const pageValidator = v.object({ jobs: v.array(jobRecordValidator), resume: v.union(pageBoundValidator, v.null()) })
type Page = typeof pageValidator.type

const boundOf = (doc: Doc<'jobs'>): PageBound => ({ createdAt: doc.createdAt, jobId: doc.jobId })

/**
 * An index range (newest `createdAt` first) in the exact list order: the documents of one
 * `createdAt` come from the index in insertion order, so each such group is read whole and sorted
 * by `jobId`; those not strictly older than `before` are dropped. `read` counts every document read.
 */
async function* inListOrder(range: AsyncIterable<Doc<'jobs'>>, before: PageBound | undefined, read: (doc: Doc<'jobs'>) => void): AsyncGenerator<Doc<'jobs'>> {
  let group: Array<Doc<'jobs'>> = []
  for await (const doc of range) {
    read(doc)
    if (group.length > 0 && doc.createdAt !== group[0]!.createdAt) {
      yield* group.sort(compareNewestFirst)
      group = []
    }
    if (before && compareNewestFirst(doc, before) <= 0) continue
    group.push(doc)
  }
  yield* group.sort(compareNewestFirst)
}

/** The index ranges to merge for these filters, each newest first and bounded by `before`. */
function rangesFor(db: DatabaseReader, args: PageArgs): Array<AsyncIterable<Doc<'jobs'>>> {
  const { userId, threadId, messageId, before } = args
  const jobs = db.query('jobs')
  // Without a bound, a bound above every time (a range needs a number, not Infinity).
  const upTo = before?.createdAt ?? Number.MAX_VALUE
  if (threadId !== undefined && messageId === undefined && args.statuses !== undefined) {
    // A thread's jobs in some statuses (the AI SDK routes look for a chat's active job): one index
    // range per status, never the thread's whole history of finished turns.
    return args.statuses.map(status => jobs.withIndex('by_user_thread_status', q => q.eq('userId', userId).eq('threadId', threadId).eq('status', status).lte('createdAt', upTo)).order('desc'))
  }
  // A message or thread selects few jobs: one index range, the other filters checked per document.
  if (messageId !== undefined) return [jobs.withIndex('by_user_message', q => q.eq('userId', userId).eq('messageId', messageId).lte('createdAt', upTo)).order('desc')]
  if (threadId !== undefined) return [jobs.withIndex('by_user_thread', q => q.eq('userId', userId).eq('threadId', threadId).lte('createdAt', upTo)).order('desc')]
  // Otherwise one index range per status, merged.
  return (args.statuses ?? ALL_STATUSES).map(status => jobs.withIndex('by_user_status', q => q.eq('userId', userId).eq('status', status).lte('createdAt', upTo)).order('desc'))
}

/** Reads one page (see the file's comment). */
export async function readJobPage(db: DatabaseReader, given: PageArgs): Promise<Page> {
  // A status named twice is one filter: one index range each, or every job in it would come twice.
  const args = given.statuses ? { ...given, statuses: [...new Set(given.statuses)] } : given
  const limit = Math.max(0, Math.min(args.limit ?? DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT))
  const statuses = args.statuses ?? ALL_STATUSES
  const matches = (doc: Doc<'jobs'>) =>
    statuses.includes(doc.status)
    && (args.threadId === undefined || doc.threadId === args.threadId)
    && (args.messageId === undefined || doc.messageId === args.messageId)
  let bytes = 0
  const iterators = rangesFor(db, args).map(range => inListOrder(range, args.before, (doc) => {
    bytes += getDocumentSize(doc)
  }))
  const heads = await Promise.all(iterators.map(iterator => iterator.next()))
  const jobs: JobRecordValue[] = []
  // The last document taken or passed over: everything up to it has been looked at.
  let last: Doc<'jobs'> | null = null
  while (jobs.length < limit) {
    let best = -1
    for (const [index, head] of heads.entries()) {
      if (!head.done && (best < 0 || compareNewestFirst(head.value, heads[best]!.value as Doc<'jobs'>) < 0)) best = index
    }
    if (best < 0) return { jobs, resume: null }
    // Every document read counts, matching or not, and so does a request read (old job documents
    // hold theirs): stop rather than read past a transaction's limit, once there is a place to
    // resume from.
    if (last && bytes > RECORD_PAGE_BYTES) return { jobs, resume: boundOf(last) }
    const doc = heads[best]!.value as Doc<'jobs'>
    if (matches(doc)) {
      // Sent back as a listing's (what a summary shows): an AI SDK chat's every turn holds its whole history.
      const listed = await listedRequestOf(db, doc)
      bytes += listed.bytesRead
      if (last && bytes > RECORD_PAGE_BYTES) return { jobs, resume: boundOf(last) }
      jobs.push(toJobRecord(doc, listed.requestJson, await leaseOf(db, doc)))
    }
    last = doc
    heads[best] = await iterators[best]!.next()
  }
  return { jobs, resume: last ? boundOf(last) : null }
}

/** A page of a user's jobs; every given filter must match. */
export const page = serverQuery({
  args: pageArgs,
  returns: pageValidator,
  handler: async (ctx, args) => await readJobPage(ctx.db, args),
})
