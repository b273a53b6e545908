/**
 * A list of job places (`createdAt`, `id`) held oldest first in list order (list-order.ts), as the
 * memory provider keeps each user's jobs and each thread's: an insert or removal is a binary search
 * (jobs usually arrive newest, so an insert is almost always a push at the end), and a page is a
 * binary search for its bound and a walk towards older jobs — no sort per read.
 */
import type { JobListBound } from './types'
import { compareNewestFirst } from './list-order'

/** The index of the first entry of `places` (oldest first) that is not older than `bound`. */
function firstNotOlder(places: JobListBound[], bound: JobListBound): number {
  let low = 0
  let high = places.length
  while (low < high) {
    const middle = (low + high) >>> 1
    // Oldest first: an entry is older than the bound when it sorts after it newest first.
    if (compareNewestFirst(places[middle]!, bound) > 0) low = middle + 1
    else high = middle
  }
  return low
}

/** Puts a copy of the job's place into `places`, keeping the order. */
export function insertPlace(places: JobListBound[], place: JobListBound): void {
  const copy = { createdAt: place.createdAt, id: place.id }
  const last = places.at(-1)
  if (!last || compareNewestFirst(place, last) < 0) places.push(copy)
  else places.splice(firstNotOlder(places, place), 0, copy)
}

/** Takes the job's place out of `places` (nothing when it is not there). */
export function removePlace(places: JobListBound[], place: JobListBound): void {
  const index = firstNotOlder(places, place)
  if (places[index]?.id === place.id) places.splice(index, 1)
}

/** The job ids of `places` newest first, starting strictly after `before` when given. */
export function* newestFirst(places: JobListBound[], before?: JobListBound): Generator<string> {
  for (let index = (before ? firstNotOlder(places, before) : places.length) - 1; index >= 0; index--) yield places[index]!.id
}
