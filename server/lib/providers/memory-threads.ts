/**
 * The memory provider's thread index: per user, per thread, the thread's job ids ordered by
 * creation (then id). Kept by `create` and by the one deletion function every path goes through
 * (delete, retention, eviction); a thread whose last job goes leaves no entry, nor does its user.
 */
import { compareThreads, isAfterCursor } from './thread-order'
import type { JobRecord, ThreadCursor } from './types'

/** A job's place in its thread. */
interface ThreadEntry {
  createdAt: number
  id: string
}

/** A thread of the index, as `page` returns it. */
export interface IndexedThread {
  threadId: string
  firstId: string
  lastId: string
}

function compareEntries(a: ThreadEntry, b: ThreadEntry): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/** Creates an empty thread index. */
export function createThreadIndex() {
  /** userId → threadId → the thread's jobs, oldest first. */
  const threadsByUser = new Map<string, Map<string, ThreadEntry[]>>()

  return {
    /** Adds a job with a thread (others are not threads). */
    add(record: Pick<JobRecord, 'id' | 'userId' | 'threadId' | 'createdAt'>): void {
      if (record.threadId === null) return
      const threads = threadsByUser.get(record.userId) ?? new Map<string, ThreadEntry[]>()
      threadsByUser.set(record.userId, threads)
      const entries = threads.get(record.threadId) ?? []
      threads.set(record.threadId, entries)
      const entry = { createdAt: record.createdAt, id: record.id }
      // Jobs mostly arrive in time order: search from the end.
      let index = entries.length
      while (index > 0 && compareEntries(entries[index - 1]!, entry) > 0) index--
      entries.splice(index, 0, entry)
    },

    /** Removes a job; its thread goes with its last job, the user with its last thread. */
    remove(record: Pick<JobRecord, 'id' | 'userId' | 'threadId'>): void {
      if (record.threadId === null) return
      const threads = threadsByUser.get(record.userId)
      const entries = threads?.get(record.threadId)
      if (!threads || !entries) return
      const index = entries.findIndex(entry => entry.id === record.id)
      if (index >= 0) entries.splice(index, 1)
      if (entries.length > 0) return
      threads.delete(record.threadId)
      if (threads.size === 0) threadsByUser.delete(record.userId)
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
