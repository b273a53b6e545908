/**
 * Helpers shared by the Convex functions: looking a job up by its engine id, the record shape the
 * functions return, and the status groups. Holds no Convex functions itself.
 */
import { getDocumentSize, v } from 'convex/values'
import { RECORD_PAGE_BYTES, utf8Bytes } from './limits'
import type { Doc } from './_generated/dataModel'
import type { DatabaseReader, DatabaseWriter } from './_generated/server'
import { toChangedJob } from './changedJob'
import { leaseOf } from './leaseStore'
import { jobFields, leaseValidator, type StoredJobStatus, type StoredLease } from './schema'

/** Statuses a job never leaves. */
export const TERMINAL_STATUSES: readonly StoredJobStatus[] = ['completed', 'failed', 'aborted']

/** Statuses of a job that is still going. */
export const ACTIVE_STATUSES: readonly StoredJobStatus[] = ['queued', 'running', 'waiting']

/** Every status, for queries that merge one index range per status. */
export const ALL_STATUSES: readonly StoredJobStatus[] = [...ACTIVE_STATUSES, ...TERMINAL_STATUSES]

/** True when a job in this status is finished for good. */
export function isTerminal(status: StoredJobStatus): boolean {
  return TERMINAL_STATUSES.includes(status)
}

/** A job as the functions return it: the stored fields, `lease` as null when there is none. */
// storeCreatedAt: the job document's `_creationTime` (whole ms), this deployment's clock, the one
// leases expire on: a takeover counts the job's time limit from it (server/lib/job-start.ts).
export const jobRecordValidator = v.object({ ...jobFields, storeCreatedAt: v.optional(v.number()), lease: v.union(leaseValidator, v.null()) })

/** The returned job shape. */
export type JobRecordValue = typeof jobRecordValidator.type

/**
 * A job's request as JSON: in its own document (`jobRequests`), or in the job document for jobs
 * written before that table existed.
 */
export async function requestJsonOf(db: DatabaseReader, doc: Doc<'jobs'>): Promise<string> {
  if (doc.requestJson !== undefined) return doc.requestJson
  const stored = await db.query('jobRequests').withIndex('by_job_id', q => q.eq('jobId', doc.jobId)).unique()
  return stored?.requestJson ?? 'null'
}

/**
 * A request's JSON as a listing returns it: a chat's only message is its last user message (what
 * its summary shows), every other field as stored but `clientBody` (the AI SDK app's own body
 * fields, up to 16 KiB: only the hooks read them, and they get the job whole); any other request whole.
 */
export function listedRequestJson(requestJson: string): string {
  const request = JSON.parse(requestJson) as { type?: unknown, messages?: unknown, clientBody?: unknown } | null
  if (request?.type !== 'chat' || !Array.isArray(request.messages)) return requestJson
  const { clientBody: _clientBody, ...listed } = request
  const lastUser = (request.messages as Array<{ role?: unknown }>).findLast(message => message?.role === 'user')
  return JSON.stringify({ ...listed, messages: lastUser ? [lastUser] : [] })
}

/**
 * Stores a new job's request as a listing returns it (`listedRequests`), when that is at most half
 * the whole request (a chat with a history before its last user message): listings and `getListed`
 * then read it instead of the whole history. A chat that is mostly its last message is not stored
 * twice for the little a listing would save.
 */
export async function storeListedRequest(db: DatabaseWriter, jobId: string, requestJson: string): Promise<void> {
  let listed: string
  try {
    listed = listedRequestJson(requestJson)
  }
  catch {
    return
  }
  if (utf8Bytes(listed) * 2 <= utf8Bytes(requestJson)) await db.insert('listedRequests', { jobId, requestJson: listed })
}

/**
 * A job's request as a listing returns it, and the request bytes read for it (for the page
 * budgets): the stored listed request when there is one, else the whole request, cut.
 */
export async function listedRequestOf(db: DatabaseReader, doc: Doc<'jobs'>): Promise<{ requestJson: string, bytesRead: number }> {
  if (doc.requestJson === undefined) {
    const stored = await db.query('listedRequests').withIndex('by_job_id', q => q.eq('jobId', doc.jobId)).unique()
    if (stored) return { requestJson: stored.requestJson, bytesRead: utf8Bytes(stored.requestJson) }
  }
  const whole = await requestJsonOf(db, doc)
  return { requestJson: listedRequestJson(whole), bytesRead: recordBytes(doc, whole) - getDocumentSize(doc) }
}

/** A job document with its request and lease, in the returned shape. */
export async function readJobRecord(db: DatabaseReader, doc: Doc<'jobs'>): Promise<JobRecordValue> {
  return toJobRecord(doc, await requestJsonOf(db, doc), await leaseOf(db, doc))
}

/** Converts a job document, its request and its lease to the returned shape (drops Convex system fields). */
export function toJobRecord(doc: Doc<'jobs'>, requestJson: string, lease: StoredLease | null): JobRecordValue {
  return { ...toChangedJob(doc), storeCreatedAt: Math.floor(doc._creationTime), requestJson, lease }
}

/** The job document with this engine id, or null. */
export async function findJob(db: DatabaseReader, jobId: string): Promise<Doc<'jobs'> | null> {
  return await db.query('jobs').withIndex('by_job_id', q => q.eq('jobId', jobId)).unique()
}

/** Newest first; equal times fall back to the job id, descending, like the memory provider. */
export function compareNewestFirst(a: { createdAt: number, jobId: string }, b: { createdAt: number, jobId: string }): number {
  return b.createdAt - a.createdAt || (a.jobId < b.jobId ? 1 : a.jobId > b.jobId ? -1 : 0)
}

/**
 * The user's latest `changedAt` (0 before the first): from the user's `userFeeds` document, which
 * only the changes the feed reports write — not from the top job document of `by_user_changed`,
 * which every append of that job patches (a feed subscription reading it re-ran on each of them).
 * Users with no `userFeeds` document yet (changes made by an older version) fall back to the index.
 */
export async function lastChangedAt(db: DatabaseReader, userId: string): Promise<number> {
  const feed = await db.query('userFeeds').withIndex('by_user', q => q.eq('userId', userId)).unique()
  if (feed) return feed.lastChangedAt
  const latest = await db.query('jobs').withIndex('by_user_changed', q => q.eq('userId', userId)).order('desc').first()
  return latest?.changedAt ?? 0
}

/**
 * The `changedAt` for a change a user's notification feed reports, recorded as the user's latest:
 * server time, but always above the user's latest one. Reading and writing the user's `userFeeds`
 * document puts it in the transaction's read set, so two such changes of one user at once
 * conflict and one retries: values follow the commit order, and a feed that read up to a value
 * never sees a smaller one later. These changes are rare (creation, status changes, input
 * requests), so the conflicts are too.
 */
export async function nextChangedAt(db: DatabaseWriter, userId: string): Promise<number> {
  const changedAt = Math.max(Date.now(), await lastChangedAt(db, userId) + 1)
  const feed = await db.query('userFeeds').withIndex('by_user', q => q.eq('userId', userId)).unique()
  if (feed) await db.patch(feed._id, { lastChangedAt: changedAt })
  else await db.insert('userFeeds', { userId, lastChangedAt: changedAt })
  return changedAt
}

/**
 * Up to `limit` job records (with their requests and leases) from several index ranges of job documents,
 * each already in `compare` order, merged in that order; it stops early once what it read passes
 * `RECORD_PAGE_BYTES` (at least one is always taken). Only the documents taken (and their
 * requests), and one look-ahead per range, are read.
 */
export async function mergeRanges(db: DatabaseReader, ranges: Array<AsyncIterable<Doc<'jobs'>>>, compare: (a: Doc<'jobs'>, b: Doc<'jobs'>) => number, limit: number): Promise<JobRecordValue[]> {
  const iterators = ranges.map(range => range[Symbol.asyncIterator]())
  const heads = await Promise.all(iterators.map(iterator => iterator.next()))
  const taken: JobRecordValue[] = []
  let bytes = 0
  while (taken.length < limit) {
    let best = -1
    for (const [index, head] of heads.entries()) {
      if (!head.done && (best < 0 || compare(head.value, heads[best]!.value as Doc<'jobs'>) < 0)) best = index
    }
    if (best < 0) break
    const doc = heads[best]!.value as Doc<'jobs'>
    const requestJson = await requestJsonOf(db, doc)
    bytes += recordBytes(doc, requestJson)
    if (taken.length > 0 && bytes > RECORD_PAGE_BYTES) break
    taken.push(toJobRecord(doc, requestJson, await leaseOf(db, doc)))
    heads[best] = await iterators[best]!.next()
  }
  return taken
}

/** What reading a job document and its request costs, in bytes (for the page budgets). */
export function recordBytes(doc: Doc<'jobs'>, requestJson: string): number {
  return getDocumentSize(doc) + (doc.requestJson === undefined ? utf8Bytes(requestJson) : 0)
}
