/**
 * The provider contract's listing types: the filters and pages of `list` (a user's jobs, newest
 * first) and `listThreads` (a user's threads, by their newest job). Part of types.ts, which
 * re-exports them.
 */
import type { JobStatus } from '../../../shared/events'
import type { JobRecord } from './types'

/**
 * A place in a user's list of jobs, which is ordered newest first: `createdAt` descending, then
 * `id` descending (JavaScript string order) for jobs created in the same millisecond.
 */
export interface JobListBound {
  createdAt: number
  id: string
}

/** Filters for `list`. All given filters must match. */
export interface JobListFilter {
  userId: string
  status?: JobStatus[]
  threadId?: string
  messageId?: string
  /**
   * Only jobs strictly older than this place in the order (keyset paging: pass the last job of the
   * previous page). The job it names need not exist any more.
   */
  before?: JobListBound
  /**
   * Newest first; at most this many. Fewer only when no older matching job exists: a store that
   * reads in bounded steps (Convex) keeps reading until it has them. @default 50
   */
  limit?: number
}

/** Where a page of threads starts: after this thread (its newest job's `createdAt`, then its id). */
export interface ThreadCursor {
  newestAt: number
  threadId: string
}

/** Options of `listThreads`. */
export interface ThreadListOptions {
  userId: string
  /** At most this many threads. */
  limit: number
  /** Only threads after this one in the order (older, or as old with a smaller id). */
  before?: ThreadCursor | null
}

/**
 * A thread as stored: the user's jobs that share a `threadId`. Threads have no record of their
 * own; providers keep an index of them (per user, by their newest job's `createdAt`).
 */
export interface StoredThread {
  threadId: string
  /** The oldest job of the thread (its time is the thread's, and its title unless the user renamed it). */
  first: JobRecord
  /**
   * The title the thread's user gave it (`renameThread`); absent when none was given: the first
   * job's title is the thread's. Goes with the thread's last job.
   */
  title?: string
  /** The newest job of the thread (it orders the thread: `last.createdAt`). */
  last: JobRecord
  /**
   * The thread's jobs in an active status in the store (queued, running, waiting). `convex` may
   * send some with `request: null` when one thread's records pass a query's byte budget.
   */
  active: JobRecord[]
}

/** A page of `listThreads`: newest first; `next` is where the following page starts, null at the end. */
export interface ThreadPage {
  threads: StoredThread[]
  next: ThreadCursor | null
}

/**
 * A rename as a user feed tells it (`subscribeUserJobs`' `onRenamed`): the thread, its title, and
 * the id the renaming engine gave that rename, so the instance that stored it (and told its own
 * streams at once) knows the feed's copy, and the thread's newest job when it was renamed (`''` from
 * a server of the version before: unknown) — a rename that comes after that job's deletion is older
 * than the deletion.
 */
export interface ThreadRenamed {
  threadId: string
  title: string
  renameId: string
  jobId: string
}

/** What a user feed reports besides changed jobs (see `subscribeUserJobs`). */
export interface UserFeedSubscribeOptions {
  onDeleted?: (jobId: string) => void
  onLost?: (jobId: string) => void
  /** A rename of one of the user's threads stored after this call (with a `renameId`), on any instance. */
  onRenamed?: (rename: ThreadRenamed) => void
  since?: number
}
