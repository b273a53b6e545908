/**
 * The unseen-threads list in `localStorage` (the "new" badges), shared by every tab of this
 * browser: each change is read-modify-write on what is stored — never a tab's own copy written
 * over another tab's change — and the list keeps the newest `UNSEEN_THREADS_MAX` marks.
 */
import { canReadStored } from './safe-storage'
import { storedList } from './stored-list'

export const UNSEEN_THREADS_KEY = 'background-jobs:unseen-threads'
/** Marks kept; the oldest go first (a thread unseen that long is not "new" any more). */
export const UNSEEN_THREADS_MAX = 100

const stored = storedList<unknown>(UNSEEN_THREADS_KEY, UNSEEN_THREADS_MAX)

/** The stored marks, oldest first; null when storage cannot be read (missing on the server, or blocked: then a tab keeps its own marks). */
export function readUnseen(): string[] | null {
  if (!canReadStored(UNSEEN_THREADS_KEY)) return null
  return [...new Set(stored.read().filter((id): id is string => typeof id === 'string'))].slice(-UNSEEN_THREADS_MAX)
}

/** Applies `edit` to the stored marks (to `shown`, this tab's, when storage cannot be read), stores the result if it changed, and returns it. */
export function changeUnseen(shown: string[], edit: (ids: string[]) => string[]): string[] {
  const before = readUnseen() ?? shown
  const next = [...new Set(edit(before))].slice(-UNSEEN_THREADS_MAX)
  // Unchanged (a thread seen again each time the tab is shown): no write, so no other tab re-reads.
  if (next.length !== before.length || next.some((id, index) => id !== before[index])) stored.write(next)
  return next
}
