/**
 * The memory provider's per-user lists: each user's jobs held oldest first in list order
 * (list-order.ts), so a page is a binary search for its bound and a walk towards older jobs — no
 * sort per read. Jobs usually arrive newest, so an insert is almost always a push at the end.
 */
import type { JobListBound } from './types'
import { compareNewestFirst } from './list-order'

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

/** The index of the first entry of `entries` (oldest first) that is not older than `bound`. */
function firstNotOlder(entries: JobListBound[], bound: JobListBound): number {
  let low = 0
  let high = entries.length
  while (low < high) {
    const middle = (low + high) >>> 1
    // Oldest first: an entry is older than the bound when it sorts after it newest first.
    if (compareNewestFirst(entries[middle]!, bound) > 0) low = middle + 1
    else high = middle
  }
  return low
}

/** Creates empty per-user lists. */
export function createUserJobLists(): UserJobLists {
  const byUser = new Map<string, JobListBound[]>()
  return {
    add(userId, entry) {
      const entries = byUser.get(userId) ?? []
      byUser.set(userId, entries)
      const last = entries.at(-1)
      if (!last || compareNewestFirst(entry, last) < 0) entries.push({ createdAt: entry.createdAt, id: entry.id })
      else entries.splice(firstNotOlder(entries, entry), 0, { createdAt: entry.createdAt, id: entry.id })
    },
    remove(userId, entry) {
      const entries = byUser.get(userId)
      if (!entries) return
      const index = firstNotOlder(entries, entry)
      if (entries[index]?.id === entry.id) entries.splice(index, 1)
      if (entries.length === 0) byUser.delete(userId)
    },
    * newestFirst(userId, before) {
      const entries = byUser.get(userId)
      if (!entries) return
      for (let index = (before ? firstNotOlder(entries, before) : entries.length) - 1; index >= 0; index--) yield entries[index]!.id
    },
    get users() {
      return byUser.size
    },
    clear() {
      byUser.clear()
    },
  }
}
