/**
 * The order of a user's threads, shared by the providers: by the newest job's `createdAt`, newest
 * first; equal times by `threadId`, descending (the order of a Redis sorted set read in reverse).
 */
import type { ThreadCursor } from './types'

/** Negative when thread `a` comes before thread `b` in the listing. */
export function compareThreads(a: ThreadCursor, b: ThreadCursor): number {
  if (a.newestAt !== b.newestAt) return b.newestAt - a.newestAt
  return a.threadId < b.threadId ? 1 : a.threadId > b.threadId ? -1 : 0
}

/** Whether `thread` comes after the cursor (belongs to the page that starts there). */
export function isAfterCursor(thread: ThreadCursor, before: ThreadCursor | null | undefined): boolean {
  return !before || compareThreads(thread, before) > 0
}
