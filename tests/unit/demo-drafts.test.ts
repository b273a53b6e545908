/**
 * The demo chat keeps each thread's unsent message while another thread is open: the box used to
 * start empty in every thread view, so a message typed, then a look at another thread, was gone.
 * And through a reload: the drafts were in the tab's memory only, so a reload (or a closed tab)
 * lost a message being written, which ChatGPT and Claude keep.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { DRAFTS_STORAGE_KEY, draftOf, keepDraft, MAX_DRAFTS } from '../../demo/app/lib/drafts'

/** A browser's `localStorage`, as a map. */
function stubStorage(): Map<string, string> {
  const store = new Map<string, string>()
  vi.stubGlobal('localStorage', { getItem: (key: string) => store.get(key) ?? null, setItem: (key: string, value: string) => void store.set(key, value) })
  return store
}

/** The drafts module as a new page load has it: nothing in memory. */
async function freshPage(): Promise<typeof import('../../demo/app/lib/drafts')> {
  vi.resetModules()
  return import('../../demo/app/lib/drafts')
}

afterEach(() => {
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

  it('keeps the newest threads\' drafts only', () => {
    for (let index = 0; index <= MAX_DRAFTS; index++) keepDraft(`thread-${index}`, `draft ${index}`)
    expect(draftOf('thread-0')).toBe('')
    expect(draftOf('thread-1')).toBe('draft 1')
    expect(draftOf(`thread-${MAX_DRAFTS}`)).toBe(`draft ${MAX_DRAFTS}`)
    // Typing again in an old thread makes its draft the newest.
    keepDraft('thread-1', 'draft 1, longer')
    keepDraft('one-more', 'x')
    expect([draftOf('thread-1'), draftOf('thread-2')]).toEqual(['draft 1, longer', ''])
  })

  it('gives a thread its draft after a reload, once the box is mounted, and forgets one sent', async () => {
    stubStorage()
    keepDraft('a', 'Half a question')
    keepDraft('b', 'Sent later')
    keepDraft('b', '')
    const page = await freshPage()
    // In memory nothing (the server's render and hydration agree); stored, the draft.
    expect(page.draftOf('a')).toBe('')
    expect([page.storedDraftOf('a'), page.storedDraftOf('b')]).toEqual(['Half a question', ''])
  })

  it('keeps another tab\'s drafts when this one writes, the newest threads only', async () => {
    const store = stubStorage()
    keepDraft('a', 'In the first tab')
    const other = await freshPage()
    other.keepDraft('b', 'In the second tab')
    expect([other.storedDraftOf('a'), other.storedDraftOf('b')]).toEqual(['In the first tab', 'In the second tab'])
    for (let index = 0; index < MAX_DRAFTS; index++) other.keepDraft(`thread-${index}`, `draft ${index}`)
    expect(JSON.parse(store.get(DRAFTS_STORAGE_KEY)!)).toHaveLength(MAX_DRAFTS)
    expect(other.storedDraftOf('a')).toBe('')
  })

  it('reads a stored value it did not write as no drafts', async () => {
    const store = stubStorage()
    store.set(DRAFTS_STORAGE_KEY, '{"not":"a list"}')
    const page = await freshPage()
    expect(page.storedDraftOf('a')).toBe('')
    store.set(DRAFTS_STORAGE_KEY, '[42, ["a"], ["b", 7]]')
    expect([page.storedDraftOf('a'), page.storedDraftOf('b')]).toEqual(['', ''])
    page.keepDraft('c', 'Fine')
    expect(page.storedDraftOf('c')).toBe('Fine')
  })
})
