/**
 * The order of a user's list of jobs, shared by every provider and the engine's paging: newest
 * first, `createdAt` descending, then `id` descending for jobs created in the same millisecond.
 */
import type { JobListBound } from './types'

/** Sorts newest first (negative when `a` comes before `b`). */
export function compareNewestFirst(a: JobListBound, b: JobListBound): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
}

/** Whether `entry` comes strictly after `bound` in the order (it is older): it belongs to the page after it. */
export function isAfterBound(entry: JobListBound, bound: JobListBound | undefined): boolean {
  return bound === undefined || compareNewestFirst(entry, bound) > 0
}
