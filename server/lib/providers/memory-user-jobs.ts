/**
 * The memory provider's per-user lists: each user's jobs held oldest first in list order
 * (memory-job-places.ts), so a page of the user's jobs reads no job outside it.
 */
import type { JobListBound } from './types'
import { insertPlace, newestFirst, removePlace } from './memory-job-places'

/** The per-user lists of job places. */
export interface UserJobLists {
  add(userId: string, entry: JobListBound): void
  remove(userId: string, entry: JobListBound): void
  /** The user's job ids newest first, starting strictly after `before` when given. */
  newestFirst(userId: string, before?: JobListBound): Generator<string>
  /** Users with at least one job. */
  readonly users: number
  clear(): void
}

/** Creates empty per-user lists. */
export function createUserJobLists(): UserJobLists {
  const byUser = new Map<string, JobListBound[]>()
  return {
    add(userId, entry) {
      const entries = byUser.get(userId) ?? []
      byUser.set(userId, entries)
      insertPlace(entries, entry)
    },
    remove(userId, entry) {
      const entries = byUser.get(userId)
      if (!entries) return
      removePlace(entries, entry)
      if (entries.length === 0) byUser.delete(userId)
    },
    * newestFirst(userId, before) {
      const entries = byUser.get(userId)
      if (entries) yield* newestFirst(entries, before)
    },
    get users() {
      return byUser.size
    },
    clear() {
      byUser.clear()
    },
  }
}
