/**
 * The memory provider's thread index: per user, per thread, the thread's job places in list order
 * (memory-job-places.ts), so `list({ threadId })` reads that thread's jobs and no other. Kept by
 * `create` and by the one deletion function every path goes through (delete, thread delete,
 * retention, eviction); a thread whose last job goes leaves no entry, nor does its user.
 */
import { insertPlace, newestFirst, removePlace } from './memory-job-places'
import { compareThreads, isAfterCursor } from './thread-order'
import type { JobListBound, JobRecord, ThreadCursor } from './types'

/** A thread of the index, as `page` returns it. */
export interface IndexedThread {
  threadId: string
  firstId: string
  lastId: string
}

/** Creates an empty thread index. */
export function createThreadIndex() {
  /** userId → threadId → the thread's jobs, oldest first. */
  const threadsByUser = new Map<string, Map<string, JobListBound[]>>()

  return {
    /** Adds a job with a thread (others are not threads). */
    add(record: Pick<JobRecord, 'id' | 'userId' | 'threadId' | 'createdAt'>): void {
      if (record.threadId === null) return
      const threads = threadsByUser.get(record.userId) ?? new Map<string, JobListBound[]>()
      threadsByUser.set(record.userId, threads)
      const entries = threads.get(record.threadId) ?? []
      threads.set(record.threadId, entries)
      insertPlace(entries, record)
    },

    /** Removes a job; its thread goes with its last job, the user with its last thread. */
    remove(record: Pick<JobRecord, 'id' | 'userId' | 'threadId' | 'createdAt'>): void {
      if (record.threadId === null) return
      const threads = threadsByUser.get(record.userId)
      const entries = threads?.get(record.threadId)
      if (!threads || !entries) return
      removePlace(entries, record)
      if (entries.length > 0) return
      threads.delete(record.threadId)
      if (threads.size === 0) threadsByUser.delete(record.userId)
    },

    /** The ids of the thread's jobs newest first (list order), strictly after `before` when given. */
    * jobsNewestFirst(userId: string, threadId: string, before?: JobListBound): Generator<string> {
      const entries = threadsByUser.get(userId)?.get(threadId)
      if (entries) yield* newestFirst(entries, before)
    },

    /** One page of the user's threads (see `listThreads`), and whether more follow. */
    page(userId: string, limit: number, before: ThreadCursor | null | undefined): { threads: IndexedThread[], more: boolean } {
      const threads = threadsByUser.get(userId)
      if (!threads) return { threads: [], more: false }
      const found: Array<ThreadCursor & IndexedThread> = []
      for (const [threadId, entries] of threads) {
        const last = entries.at(-1)!
        const thread = { threadId, newestAt: last.createdAt, firstId: entries[0]!.id, lastId: last.id }
        if (isAfterCursor(thread, before)) found.push(thread)
      }
      found.sort(compareThreads)
      return {
        threads: found.slice(0, limit).map(({ threadId, firstId, lastId }) => ({ threadId, firstId, lastId })),
        more: found.length > limit,
      }
    },

    /** Threads held, over all users (hygiene tests: zero once every job is gone). */
    size(): number {
      let count = 0
      for (const threads of threadsByUser.values()) count += threads.size
      return count
    },

    clear(): void {
      threadsByUser.clear()
    },
  }
}
