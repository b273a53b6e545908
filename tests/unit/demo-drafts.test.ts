/**
 * The demo chat keeps each thread's unsent message while another thread is open: the box used to
 * start empty in every thread view, so a message typed, then a look at another thread, was gone.
 * And through a reload or a closed tab, as ChatGPT and Claude do. Stored economically: every
 * keystroke used to rewrite all the drafts (up to 50) in one `localStorage` value; now a pause in
 * typing writes the one draft typed, and a page hidden or left writes it at once. The new thread's
 * draft was one per browser, so two tabs composing two new chats wrote over each other's: it is
 * the tab's now (`sessionStorage`).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fakeStorage } from '../support/fake-storage'
import { DRAFT_SAVE_DELAY_MS, DRAFT_STORAGE_PREFIX, DRAFT_THREADS_STORAGE_KEY, DRAFT_TIME_PREFIX, draftOf, keepDraft, MAX_DRAFT_BYTES, MAX_DRAFTS, NEW_THREAD_DRAFT_KEY, NEW_THREAD_DRAFT_STORAGE_KEY, saveDrafts, storedDraftOf } from '../../demo/app/lib/drafts'

const storage = fakeStorage

let page: { window: EventTarget, document: EventTarget & { visibilityState: string } }

/** A tab: its own `sessionStorage`, this browser's `localStorage` (`local`), a window and a document. */
function openTab(local: ReturnType<typeof storage>, session = storage()) {
  vi.stubGlobal('localStorage', local.area)
  vi.stubGlobal('sessionStorage', session.area)
  page = { window: new EventTarget(), document: Object.assign(new EventTarget(), { visibilityState: 'visible' }) }
  vi.stubGlobal('window', page.window)
  vi.stubGlobal('document', page.document)
  return session
}

/** The drafts module as a new page load has it: nothing in memory. */
async function freshPage(): Promise<typeof import('../../demo/app/lib/drafts')> {
  vi.resetModules()
  return import('../../demo/app/lib/drafts')
}

const storedThreads = (store: Map<string, string>) => JSON.parse(store.get(DRAFT_THREADS_STORAGE_KEY) ?? '[]') as string[]
/** The threads with a stored draft, the oldest first (by the time saved beside each, else by the list the previous release kept). */
function draftOrder(store: Map<string, string>): string[] {
  const threads = [...store.keys()].filter(key => key.startsWith(DRAFT_STORAGE_PREFIX)).map(key => key.slice(DRAFT_STORAGE_PREFIX.length))
  const listed = storedThreads(store)
  const at = (threadId: string) => Number(store.get(DRAFT_TIME_PREFIX + threadId) ?? listed.indexOf(threadId))
  return threads.sort((first, second) => at(first) - at(second))
}

let local: ReturnType<typeof storage>

beforeEach(() => {
  vi.useFakeTimers()
  local = storage()
  openTab(local)
})

afterEach(() => {
  saveDrafts()
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe('drafts by thread', () => {
  it('gives each thread back what its box held', () => {
    keepDraft('a', 'Half a question')
    keepDraft('b', 'Another')
    expect([draftOf('a'), draftOf('b'), draftOf('c')]).toEqual(['Half a question', 'Another', ''])
  })

  it('forgets a draft once the box is empty (sent or cleared)', () => {
    keepDraft('a', 'Something')
    keepDraft('a', '  \n')
    expect(draftOf('a')).toBe('')
  })

  it('keeps the newest threads\' drafts only, in memory and stored', () => {
    for (let index = 0; index <= MAX_DRAFTS; index++) keepDraft(`thread-${index}`, `draft ${index}`)
    expect(draftOf('thread-0')).toBe('')
    expect(draftOf('thread-1')).toBe('draft 1')
    expect(draftOf(`thread-${MAX_DRAFTS}`)).toBe(`draft ${MAX_DRAFTS}`)
    // Typing again in an old thread makes its draft the newest.
    keepDraft('thread-1', 'draft 1, longer')
    keepDraft('one-more', 'x')
    expect([draftOf('thread-1'), draftOf('thread-2')]).toEqual(['draft 1, longer', ''])
    saveDrafts()
    expect(draftOrder(local.store)).toHaveLength(MAX_DRAFTS)
    expect([local.store.has(`${DRAFT_STORAGE_PREFIX}thread-0`), local.store.has(`${DRAFT_STORAGE_PREFIX}thread-2`)]).toEqual([false, false])
    expect([local.store.has(`${DRAFT_TIME_PREFIX}thread-0`), local.store.has(`${DRAFT_TIME_PREFIX}thread-2`)]).toEqual([false, false])
    expect(draftOrder(local.store).slice(-2)).toEqual(['thread-1', 'one-more'])
  })

  it('writes the draft typed once typing pauses, and only that draft', () => {
    for (let index = 0; index < 10; index++) keepDraft(`other-${index}`, `An older draft ${index}`)
    vi.advanceTimersByTime(DRAFT_SAVE_DELAY_MS)
    local.store.writes.length = 0
    const typed = 'Half a question, typed key by key'
    for (let length = 1; length <= typed.length; length++) {
      keepDraft('a', typed.slice(0, length))
      vi.advanceTimersByTime(DRAFT_SAVE_DELAY_MS / 5)
    }
    expect(local.store.writes).toEqual([])
    vi.advanceTimersByTime(DRAFT_SAVE_DELAY_MS)
    // The thread's draft and the time it was saved; the others' drafts are not rewritten.
    expect(local.store.writes).toEqual([`${DRAFT_STORAGE_PREFIX}a`, `${DRAFT_TIME_PREFIX}a`])
    local.store.writes.length = 0
    keepDraft('a', `${typed}!`)
    vi.advanceTimersByTime(DRAFT_SAVE_DELAY_MS)
    expect(local.store.writes).toEqual([`${DRAFT_STORAGE_PREFIX}a`, `${DRAFT_TIME_PREFIX}a`])
  })

  it('writes at once when the page is hidden or left (a tab closed right after a keystroke), and stops listening then', () => {
    keepDraft('a', 'Typed just before the tab closed')
    page.window.dispatchEvent(new Event('pagehide'))
    expect(local.store.get(`${DRAFT_STORAGE_PREFIX}a`)).toBe('Typed just before the tab closed')
    keepDraft('b', 'Typed before switching apps')
    page.document.dispatchEvent(new Event('visibilitychange'))
    expect(local.store.has(`${DRAFT_STORAGE_PREFIX}b`)).toBe(false)
    page.document.visibilityState = 'hidden'
    page.document.dispatchEvent(new Event('visibilitychange'))
    expect(local.store.get(`${DRAFT_STORAGE_PREFIX}b`)).toBe('Typed before switching apps')
    local.store.writes.length = 0
    page.window.dispatchEvent(new Event('pagehide'))
    vi.advanceTimersByTime(DRAFT_SAVE_DELAY_MS)
    expect(local.store.writes).toEqual([])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('gives a thread its draft after a reload, once the box is mounted, and forgets one sent', async () => {
    keepDraft('a', 'Half a question')
    keepDraft('b', 'Sent later')
    vi.advanceTimersByTime(DRAFT_SAVE_DELAY_MS)
    keepDraft('b', '')
    // Not stored yet: the box mounted now in this tab does not get the sent message back.
    expect(local.store.has(`${DRAFT_STORAGE_PREFIX}b`)).toBe(true)
    expect(storedDraftOf('b')).toBe('')
    page.window.dispatchEvent(new Event('pagehide'))
    const next = await freshPage()
    // In memory nothing (the server's render and hydration agree); stored, the draft.
    expect(next.draftOf('a')).toBe('')
    expect([next.storedDraftOf('a'), next.storedDraftOf('b')]).toEqual(['Half a question', ''])
    expect(draftOrder(local.store)).toEqual(['a'])
    expect(local.store.has(`${DRAFT_TIME_PREFIX}b`)).toBe(false)
  })

  it('keeps another tab\'s drafts when this one writes', async () => {
    keepDraft('a', 'In the first tab')
    saveDrafts()
    openTab(local)
    const other = await freshPage()
    other.keepDraft('b', 'In the second tab')
    other.saveDrafts()
    expect([other.storedDraftOf('a'), other.storedDraftOf('b')]).toEqual(['In the first tab', 'In the second tab'])
  })

  it('keeps the new thread\'s draft per tab: two tabs composing two new chats each get theirs back after a reload', async () => {
    const firstTab = openTab(local)
    const first = await freshPage()
    first.keepDraft(NEW_THREAD_DRAFT_KEY, 'The first tab\'s new chat')
    first.saveDrafts()
    const secondTab = openTab(local)
    const second = await freshPage()
    second.keepDraft(NEW_THREAD_DRAFT_KEY, 'The second tab\'s new chat')
    second.saveDrafts()
    openTab(local, firstTab)
    expect((await freshPage()).storedDraftOf(NEW_THREAD_DRAFT_KEY)).toBe('The first tab\'s new chat')
    openTab(local, secondTab)
    expect((await freshPage()).storedDraftOf(NEW_THREAD_DRAFT_KEY)).toBe('The second tab\'s new chat')
    // A new tab starts a new chat with an empty box.
    openTab(local)
    expect((await freshPage()).storedDraftOf(NEW_THREAD_DRAFT_KEY)).toBe('')
  })

  it('gives the drafts the last release listed their times in the list\'s order, then removes the list (what else is there reads as none)', async () => {
    for (const threadId of ['x', 'y', 'z', 'unlisted']) local.store.set(DRAFT_STORAGE_PREFIX + threadId, `Draft in ${threadId}`)
    local.store.set(DRAFT_THREADS_STORAGE_KEY, JSON.stringify(['y', 42, 'x', 'gone', 'z']))
    const next = await freshPage()
    expect(next.storedDraftOf('x')).toBe('Draft in x')
    expect(local.store.has(DRAFT_THREADS_STORAGE_KEY)).toBe(false)
    expect(local.store.has(`${DRAFT_TIME_PREFIX}gone`)).toBe(false)
    next.keepDraft('new', 'Typed after the upgrade')
    next.saveDrafts()
    expect(draftOrder(local.store)).toEqual(['unlisted', 'y', 'x', 'z', 'new'])
    // A list that is not one: removed, nothing else changes.
    local.store.set(DRAFT_THREADS_STORAGE_KEY, '{"not":"a list"}')
    const another = await freshPage()
    expect(another.storedDraftOf('z')).toBe('Draft in z')
    expect(local.store.has(DRAFT_THREADS_STORAGE_KEY)).toBe(false)
    expect(draftOrder(local.store)).toEqual(['unlisted', 'y', 'x', 'z', 'new'])
  })

  it('keeps the drafts the previous release stored in one list: moved once to their own keys on the first read', async () => {
    // The previous release's list: [threadId, text] pairs, newest last (its new-thread draft was one per browser).
    local.store.set('background-jobs:drafts', JSON.stringify([['old', 'An old draft'], [NEW_THREAD_DRAFT_KEY, 'A new chat'], ['newer', 'A newer draft'], [7, 'not a pair']]))
    const session = openTab(local)
    const next = await freshPage()
    expect([next.storedDraftOf('old'), next.storedDraftOf('newer'), next.storedDraftOf(NEW_THREAD_DRAFT_KEY)]).toEqual(['An old draft', 'A newer draft', 'A new chat'])
    expect([local.store.get(`${DRAFT_STORAGE_PREFIX}old`), local.store.get(`${DRAFT_STORAGE_PREFIX}newer`), session.store.get(NEW_THREAD_DRAFT_STORAGE_KEY)]).toEqual(['An old draft', 'A newer draft', 'A new chat'])
    expect(draftOrder(local.store)).toEqual(['old', 'newer'])
    expect(local.store.has('background-jobs:drafts')).toBe(false)
    // A draft typed since stays the newest, and the moved ones stay.
    next.keepDraft('c', 'Typed after the upgrade')
    next.saveDrafts()
    expect(draftOrder(local.store)).toEqual(['old', 'newer', 'c'])
  })

  it('moves the previous release\'s drafts before the first write, and keeps the old list while the new one cannot be stored', async () => {
    local.store.set('background-jobs:drafts', JSON.stringify([['old', 'An old draft']]))
    let next = await freshPage()
    next.keepDraft('c', 'Typed first')
    next.saveDrafts()
    expect(draftOrder(local.store)).toEqual(['old', 'c'])
    expect(local.store.has('background-jobs:drafts')).toBe(false)
    // Storage full: nothing is lost, the next page tries again.
    local.store.clear()
    local.store.set('background-jobs:drafts', JSON.stringify([['old', 'An old draft']]))
    const setItem = local.area.setItem
    local.area.setItem = () => {
      throw new DOMException('full', 'QuotaExceededError')
    }
    next = await freshPage()
    next.storedDraftOf('old')
    expect(local.store.get('background-jobs:drafts')).toBe(JSON.stringify([['old', 'An old draft']]))
    local.area.setItem = setItem
    next = await freshPage()
    expect(next.storedDraftOf('old')).toBe('An old draft')
  })

  it('keeps both tabs\' drafts in their order when two tabs save at the same moment: the newest MAX_DRAFTS stay, at once', async () => {
    const first = await freshPage()
    for (let index = 0; index < 10; index++) first.keepDraft(`older-${index}`, 'Typed long ago')
    first.saveDrafts()
    vi.advanceTimersByTime(60_000)
    first.keepDraft('a', 'In the first tab')
    openTab(local)
    const second = await freshPage()
    second.keepDraft('b', 'In the second tab')
    // The second tab saves inside the first tab's save (before: between its read of the list and its write).
    const setItem = local.area.setItem
    let raced = false
    local.area.setItem = (key: string, value: string) => {
      if (!raced) {
        raced = true
        second.saveDrafts()
      }
      setItem(key, value)
    }
    first.saveDrafts()
    local.area.setItem = setItem
    expect(raced).toBe(true)
    // Newer drafts, MAX_DRAFTS - 2 of them in one save: the ten older ones go, a and b stay (before: b,
    // left out of the list by the race, went back in as the oldest and was dropped before them).
    vi.advanceTimersByTime(60_000)
    for (let index = 0; index < MAX_DRAFTS - 2; index++) first.keepDraft(`newer-${index}`, 'x')
    first.saveDrafts()
    const stored = draftOrder(local.store)
    expect(stored).toHaveLength(MAX_DRAFTS)
    expect(stored.filter(threadId => threadId.startsWith('older-'))).toEqual([])
    expect([stored.includes('a'), stored.includes('b')]).toEqual([true, true])
  })

  it('stores a draft up to MAX_DRAFT_BYTES of UTF-8, and keeps a longer one in the tab only (its stored earlier text removed)', async () => {
    const fits = 'é'.repeat(MAX_DRAFT_BYTES / 2)
    keepDraft('a', fits)
    saveDrafts()
    expect(local.store.get(`${DRAFT_STORAGE_PREFIX}a`)).toBe(fits)
    // One character more is 2 bytes over (MAX_DRAFT_BYTES / 2 + 1 characters, not bytes, would fit).
    const tooLong = `${fits}é`
    keepDraft('a', tooLong)
    keepDraft(NEW_THREAD_DRAFT_KEY, tooLong)
    saveDrafts()
    expect(draftOf('a')).toBe(tooLong)
    expect(local.store.has(`${DRAFT_STORAGE_PREFIX}a`)).toBe(false)
    expect(draftOrder(local.store)).toEqual([])
    const next = await freshPage()
    expect([next.storedDraftOf('a'), next.storedDraftOf(NEW_THREAD_DRAFT_KEY)]).toEqual(['', ''])
    expect([next.draftTooLongToKeep(fits), next.draftTooLongToKeep(tooLong), next.draftTooLongToKeep('😀'.repeat(MAX_DRAFT_BYTES / 4 + 1))]).toEqual([false, true, true])
  })
})
