/**
 * Unsent messages by thread, for as long as the tab lives: what was typed in one thread is there
 * again after a visit to another (or to a new thread), as in chat apps. Memory only: a page load
 * starts with none, so the server's render and hydration agree. The newest `MAX_DRAFTS` threads.
 */

/** Threads whose draft is kept; the oldest goes first. */
export const MAX_DRAFTS = 50

const drafts = new Map<string, string>()

/** The thread's unsent draft, or ''. */
export function draftOf(threadId: string): string {
  return drafts.get(threadId) ?? ''
}

/** Keeps what the thread's box holds now (an empty box forgets it). */
export function keepDraft(threadId: string, text: string): void {
  drafts.delete(threadId)
  if (!text.trim()) return
  drafts.set(threadId, text)
  if (drafts.size > MAX_DRAFTS) drafts.delete(drafts.keys().next().value!)
}
