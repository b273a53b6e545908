/**
 * The memory provider's thread index: per user, per thread, the thread's job places in list order
 * (memory-job-places.ts), so `list({ threadId })` reads that thread's jobs and no other; and per
 * user, the threads themselves in listing order (thread-order.ts), so a page of threads is a binary
 * search and a walk, never a sort of all of the user's threads. Kept by `create` and by the one
 * deletion function every path goes through (delete, thread delete, retention, eviction); a thread
 * whose last job goes leaves no entry, nor does its user; a title its user gave it goes with it.
 */
import { insertPlace, newestFirst, removePlace } from './memory-job-places'
import type { JobListBound, JobRecord, ThreadCursor } from './types'

/** A thread of the index, as `page` returns it. */
export interface IndexedThread {
  threadId: string
  firstId: string
  lastId: string
  /** The title the user gave the thread (`rename`), when they gave one. */
  title?: string
}

/** A user's threads: each thread's jobs, and the threads in listing order. */
interface UserThreads {
  /** threadId → the thread's jobs, oldest first. */
  jobs: Map<string, JobListBound[]>
  /**
   * The threads as places `{ createdAt: newest job's createdAt, id: threadId }`, oldest first: the
   * listing's order (newest job first, then `threadId` descending) is the job list's order of
   * these places, so the same sorted-places helper keeps it.
   */
  order: JobListBound[]
  /** threadId → the title the user gave it; only threads that still have jobs. */
  titles: Map<string, string>
}

/** A thread's place in its user's `order`. */
function threadPlace(threadId: string, entries: JobListBound[]): JobListBound {
  return { createdAt: entries.at(-1)!.createdAt, id: threadId }
}

/** Creates an empty thread index. */
export function createThreadIndex() {
  const threadsByUser = new Map<string, UserThreads>()

  return {
    /** Adds a job with a thread (others are not threads). */
    add(record: Pick<JobRecord, 'id' | 'userId' | 'threadId' | 'createdAt'>): void {
      if (record.threadId === null) return
      const user = threadsByUser.get(record.userId) ?? { jobs: new Map<string, JobListBound[]>(), order: [], titles: new Map<string, string>() }
      threadsByUser.set(record.userId, user)
      let entries = user.jobs.get(record.threadId)
      if (entries) removePlace(user.order, threadPlace(record.threadId, entries))
      else user.jobs.set(record.threadId, entries = [])
      insertPlace(entries, record)
      insertPlace(user.order, threadPlace(record.threadId, entries))
    },

    /** Removes a job; its thread goes with its last job, the user with its last thread. */
    remove(record: Pick<JobRecord, 'id' | 'userId' | 'threadId' | 'createdAt'>): void {
      if (record.threadId === null) return
      const user = threadsByUser.get(record.userId)
      const entries = user?.jobs.get(record.threadId)
      if (!user || !entries) return
      removePlace(user.order, threadPlace(record.threadId, entries))
      removePlace(entries, record)
      if (entries.length > 0) {
        insertPlace(user.order, threadPlace(record.threadId, entries))
        return
      }
      user.jobs.delete(record.threadId)
      user.titles.delete(record.threadId)
      if (user.jobs.size === 0) threadsByUser.delete(record.userId)
    },

    /** Gives a thread of the user its own title; the id of its newest job, or null when the user has no such thread. */
    rename(userId: string, threadId: string, title: string): string | null {
      const user = threadsByUser.get(userId)
      const entries = user?.jobs.get(threadId)
      if (!user || !entries) return null
      user.titles.set(threadId, title)
      return entries.at(-1)!.id
    },

    /** The ids of the thread's jobs newest first (list order), strictly after `before` when given. */
    * jobsNewestFirst(userId: string, threadId: string, before?: JobListBound): Generator<string> {
      const entries = threadsByUser.get(userId)?.jobs.get(threadId)
      if (entries) yield* newestFirst(entries, before)
    },

    /** One page of the user's threads (see `listThreads`), and whether more follow. */
    page(userId: string, limit: number, before: ThreadCursor | null | undefined): { threads: IndexedThread[], more: boolean } {
      const user = threadsByUser.get(userId)
      if (!user) return { threads: [], more: false }
      const threads: IndexedThread[] = []
      for (const threadId of newestFirst(user.order, before ? { createdAt: before.newestAt, id: before.threadId } : undefined)) {
        if (threads.length === limit) return { threads, more: true }
        const entries = user.jobs.get(threadId)!
        const title = user.titles.get(threadId)
        threads.push({ threadId, firstId: entries[0]!.id, lastId: entries.at(-1)!.id, ...(title === undefined ? {} : { title }) })
      }
      return { threads, more: false }
    },

    /** Threads held, over all users (hygiene tests: zero once every job is gone). */
    size(): number {
      let count = 0
      for (const user of threadsByUser.values()) count += user.jobs.size
      return count
    },

    clear(): void {
      threadsByUser.clear()
    },
  }
}
