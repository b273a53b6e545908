/**
 * Unsent messages by thread: what was typed in one thread is there again after a visit to another
 * (or to a new thread), and after a reload or a closed tab, as in chat apps. Held in memory for the
 * tab and kept in `localStorage` (lib/stored-list.ts; this browser already keeps the prompts and
 * partial answers there) — one thread's entry written at a time, so two tabs writing in different
 * threads keep each other's. A page load starts with none in memory, so the server's render and
 * hydration agree; the box takes its stored draft once mounted (`storedDraftOf`). The newest
 * `MAX_DRAFTS` threads.
 */
import { storedList } from './stored-list'

/** Threads whose draft is kept; the oldest goes first. */
export const MAX_DRAFTS = 50
/** The draft key of the new thread ("/"), whose id is made afresh on every page load. */
export const NEW_THREAD_DRAFT_KEY = 'new-thread'
/** Where this browser keeps the drafts: [threadId, text] pairs, the newest last. */
export const DRAFTS_STORAGE_KEY = 'background-jobs:drafts'

const drafts = new Map<string, string>()
const stored = storedList<[string, string]>(DRAFTS_STORAGE_KEY, MAX_DRAFTS)

/** The thread's unsent draft in this tab's memory, or ''. */
export function draftOf(threadId: string): string {
  return drafts.get(threadId) ?? ''
}

/** The thread's draft kept in this browser (an earlier page, another tab), or '': for a box once mounted. */
export function storedDraftOf(threadId: string): string {
  const entry = stored.read().find(item => Array.isArray(item) && item[0] === threadId)
  return typeof entry?.[1] === 'string' ? entry[1] : ''
}

/** Keeps what the thread's box holds now (an empty box forgets it). */
export function keepDraft(threadId: string, text: string): void {
  drafts.delete(threadId)
  const others = stored.read().filter(item => Array.isArray(item) && item[0] !== threadId)
  if (!text.trim()) {
    stored.write(others)
    return
  }
  drafts.set(threadId, text)
  if (drafts.size > MAX_DRAFTS) drafts.delete(drafts.keys().next().value!)
  stored.write([...others, [threadId, text]])
}
