/**
 * Unsent messages by thread: what was typed in one thread is there again after a visit to another
 * (or to a new thread), and after a reload or a closed tab, as in chat apps. Held in memory for the
 * tab, and stored (lib/safe-storage.ts: nothing kept where storage is blocked or full):
 * - a thread's draft in `localStorage`, under a key of its own, with the time it was saved under
 *   another (`DRAFT_TIME_PREFIX`), so a save writes that one draft — never the others — and two
 *   tabs saving at the same moment, in the same thread or not, keep each other's: no key is read,
 *   changed and written by two tabs. The newest `MAX_DRAFTS` are kept by that time (the oldest
 *   draft is removed; two tabs trimming at once remove the same ones: lib/keyed-store.ts). The previous release listed
 *   the threads with a draft in one value, which two tabs saving at once each wrote without the
 *   other's thread, so that draft escaped the cap until a later save put it back as the oldest.
 * - a draft of more than `MAX_DRAFT_BYTES` (UTF-8) is not stored, only kept in the tab's memory
 *   (its stored earlier text removed): 50 pasted documents must not fill this browser's storage,
 *   which the other lists share. The box says so (`draftTooLongToKeep`).
 * - the new thread's draft in `sessionStorage`: it is this tab's (a reload, or the tab reopened,
 *   gives it back), so two tabs composing two new chats do not write over each other's, and a new
 *   tab starts a new chat with an empty box.
 * Written once typing pauses (`DRAFT_SAVE_DELAY_MS`), and at once when the page is hidden or left
 * (`visibilitychange`, `pagehide`: a tab closed right after a keystroke keeps it). A page load
 * starts with none in memory, so the server's render and hydration agree; the box takes its stored
 * draft once mounted (`storedDraftOf`). The drafts earlier releases stored (all in one list, or
 * listed in order in one value) are given these keys on the page's first read or write
 * (`moveLegacyDrafts`).
 */
import { createKeyedStore } from './keyed-store'
import { readStored, removeStored, writeStored } from './safe-storage'

/** Threads whose draft is kept; the oldest goes first. */
export const MAX_DRAFTS = 50
/** The most a stored draft takes, in UTF-8 bytes (50 of them: at most 1.6 MB); a longer one stays in the tab's memory only. */
export const MAX_DRAFT_BYTES = 32_768
/** The draft key of the new thread ("/"), whose id is made afresh on every page load. */
export const NEW_THREAD_DRAFT_KEY = 'new-thread'
/** Where the previous release listed the threads with a draft (JSON, newest last); given times once (`moveLegacyDrafts`). */
export const DRAFT_THREADS_STORAGE_KEY = 'background-jobs:draft-threads'
/** The prefix of a thread's draft in `localStorage` (`<prefix><threadId>`). */
export const DRAFT_STORAGE_PREFIX = 'background-jobs:draft:'
/** The prefix of the time a thread's draft was saved (`<prefix><threadId>`, ms since the epoch; none: the oldest). */
export const DRAFT_TIME_PREFIX = 'background-jobs:draft-at:'
/** Where this tab keeps the new thread's draft, in `sessionStorage`. */
export const NEW_THREAD_DRAFT_STORAGE_KEY = 'background-jobs:new-thread-draft'
/** How long typing pauses before the drafts typed are stored. */
export const DRAFT_SAVE_DELAY_MS = 500
/**
 * Where the previous release kept the drafts: all of them in one list of [threadId, text] pairs,
 * newest last, rewritten on every keystroke. Moved to the keys above once (`moveLegacyDrafts`).
 */
const LEGACY_DRAFTS_STORAGE_KEY = 'background-jobs:drafts'

const encoder = new TextEncoder()

/** Whether `text` is too long to store as a draft (`MAX_DRAFT_BYTES`): it is kept in this tab only. */
export function draftTooLongToKeep(text: string): boolean {
  // A UTF-16 unit takes 1 to 3 bytes (a surrogate pair 4): only the lengths in between are encoded.
  if (text.length > MAX_DRAFT_BYTES) return true
  if (text.length * 3 <= MAX_DRAFT_BYTES) return false
  return encoder.encode(text).length > MAX_DRAFT_BYTES
}

const drafts = new Map<string, string>()
/** Drafts typed and not yet stored, by thread ('' = forget). */
const unsaved = new Map<string, string>()
let saveTimer: ReturnType<typeof setTimeout> | undefined
/** The stored drafts, one key per thread; their times under `DRAFT_TIME_PREFIX`. */
const storedDrafts = createKeyedStore({
  prefix: DRAFT_STORAGE_PREFIX,
  max: MAX_DRAFTS,
  timeOf: key => Number(readStored(DRAFT_TIME_PREFIX + threadOf(key))) || 0,
  remove: key => removeStoredDraft(threadOf(key)),
  moveLegacy: moveLegacyDrafts,
})

/** The thread of a stored draft's key. */
function threadOf(key: string): string {
  return key.slice(DRAFT_STORAGE_PREFIX.length)
}

/** The thread's unsent draft in this tab's memory, or ''. */
export function draftOf(threadId: string): string {
  return drafts.get(threadId) ?? ''
}

/** The thread's draft kept in this browser (an earlier page, another tab), or '': for a box once mounted. */
export function storedDraftOf(threadId: string): string {
  // Typed here and not stored yet (a sent message's '' included): that is the draft.
  const typed = unsaved.get(threadId)
  if (typed !== undefined) return typed
  storedDrafts.ready()
  return threadId === NEW_THREAD_DRAFT_KEY ? readStored(NEW_THREAD_DRAFT_STORAGE_KEY, 'sessionStorage') ?? '' : readStored(DRAFT_STORAGE_PREFIX + threadId) ?? ''
}

/** Keeps what the thread's box holds now (an empty box forgets it): in memory at once, stored once typing pauses. */
export function keepDraft(threadId: string, text: string): void {
  drafts.delete(threadId)
  const kept = text.trim() ? text : ''
  if (kept) {
    drafts.set(threadId, kept)
    if (drafts.size > MAX_DRAFTS) drafts.delete(drafts.keys().next().value!)
  }
  // Newest last, as the stored list has them.
  unsaved.delete(threadId)
  unsaved.set(threadId, kept)
  scheduleSave()
}

/** Forgets the thread's draft, in memory and stored, at once: the thread was deleted. */
export function forgetDraft(threadId: string): void {
  keepDraft(threadId, '')
  saveDrafts()
}

/** Stores the drafts typed since the last save (a pause in typing, the page hidden or left). */
export function saveDrafts(): void {
  clearTimeout(saveTimer)
  saveTimer = undefined
  watchPage(false)
  if (!unsaved.size) return
  storedDrafts.ready()
  for (const [threadId, typed] of unsaved) {
    // Too long to store: the stored earlier text goes too (a reload must not bring back an old one).
    const text = draftTooLongToKeep(typed) ? '' : typed
    if (threadId === NEW_THREAD_DRAFT_KEY) {
      if (text) writeStored(NEW_THREAD_DRAFT_STORAGE_KEY, text, 'sessionStorage')
      else removeStored(NEW_THREAD_DRAFT_STORAGE_KEY, 'sessionStorage')
    }
    else if (text) {
      writeStored(DRAFT_STORAGE_PREFIX + threadId, text)
      writeStored(DRAFT_TIME_PREFIX + threadId, String(storedDrafts.nextTime()))
    }
    else {
      removeStoredDraft(threadId)
    }
  }
  unsaved.clear()
  storedDrafts.dropOldest()
}

function removeStoredDraft(threadId: string): void {
  removeStored(DRAFT_STORAGE_PREFIX + threadId)
  removeStored(DRAFT_TIME_PREFIX + threadId)
}

/** The threads with a stored draft. */
function storedDraftThreads(): string[] {
  return storedDrafts.keys().map(threadOf)
}

/**
 * Gives the drafts earlier releases stored these keys, once per page (`storedDrafts.ready()`),
 * before its first read or write of a draft: an upgrade keeps what was typed, in its order, older than any draft saved
 * since. The release before the last kept them all in one list (`LEGACY_DRAFTS_STORAGE_KEY`): they
 * move to their own keys (a thread with one keeps it; only as many as there is room for, newest
 * first), its new-thread draft (one per browser then) becomes this tab's, and the list is removed
 * once every draft is stored (a full storage keeps it for the next page). The last release listed
 * the threads with a draft in order (`DRAFT_THREADS_STORAGE_KEY`): their place becomes their time.
 * The times given are small numbers, the first list's before the second's (it was older).
 */
function moveLegacyDrafts(): void {
  const legacy = legacyDrafts()
  if (legacy) {
    let stored = true
    const newThreadDraft = legacy.get(NEW_THREAD_DRAFT_KEY)
    legacy.delete(NEW_THREAD_DRAFT_KEY)
    if (newThreadDraft && !readStored(NEW_THREAD_DRAFT_STORAGE_KEY, 'sessionStorage')) writeStored(NEW_THREAD_DRAFT_STORAGE_KEY, newThreadDraft, 'sessionStorage')
    const present = storedDraftThreads()
    for (const threadId of present) legacy.delete(threadId)
    const room = Math.max(0, MAX_DRAFTS - present.length)
    const moved = room ? [...legacy].slice(-room) : []
    for (const [index, [threadId, text]] of moved.entries()) {
      stored = writeStored(DRAFT_STORAGE_PREFIX + threadId, text) && writeStored(DRAFT_TIME_PREFIX + threadId, String(index + 1)) && stored
    }
    if (stored) removeStored(LEGACY_DRAFTS_STORAGE_KEY)
  }
  const listed = listedThreads()
  if (!listed) return
  for (const [index, threadId] of listed.entries()) {
    if (readStored(DRAFT_STORAGE_PREFIX + threadId) !== null && readStored(DRAFT_TIME_PREFIX + threadId) === null) {
      writeStored(DRAFT_TIME_PREFIX + threadId, String(MAX_DRAFTS + 1 + index))
    }
  }
  removeStored(DRAFT_THREADS_STORAGE_KEY)
}

/** The previous release's drafts by thread, oldest first (what else is there reads as none), or null without its key. */
function legacyDrafts(): Map<string, string> | null {
  const raw = readStored(LEGACY_DRAFTS_STORAGE_KEY)
  if (raw === null) return null
  let stored: unknown
  try {
    stored = JSON.parse(raw)
  }
  catch {
    stored = null
  }
  const legacy = new Map<string, string>()
  for (const entry of Array.isArray(stored) ? stored as unknown[] : []) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'string' || !entry[1].trim()) continue
    legacy.delete(entry[0])
    legacy.set(entry[0], entry[1])
  }
  return legacy
}

/** The last release's list of the threads with a draft, oldest first (what else is there reads as none), or null without its key. */
function listedThreads(): string[] | null {
  const raw = readStored(DRAFT_THREADS_STORAGE_KEY)
  if (raw === null) return null
  try {
    const stored = JSON.parse(raw) as unknown
    return Array.isArray(stored) ? [...new Set(stored.filter((id): id is string => typeof id === 'string'))] : []
  }
  catch {
    return []
  }
}

function scheduleSave(): void {
  clearTimeout(saveTimer)
  saveTimer = setTimeout(saveDrafts, DRAFT_SAVE_DELAY_MS)
  watchPage(true)
}

function saveWhenHidden(): void {
  if (document.visibilityState === 'hidden') saveDrafts()
}

/** Saves at once when the page is hidden (a phone's app switch, a tab closed) or left, while a save is pending. */
function watchPage(pending: boolean): void {
  if (typeof window === 'undefined' || typeof document === 'undefined') return
  const change = pending ? 'addEventListener' : 'removeEventListener'
  window[change]('pagehide', saveDrafts)
  document[change]('visibilitychange', saveWhenHidden)
}
