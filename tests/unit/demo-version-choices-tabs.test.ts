/**
 * The answer versions chosen (lib/version-choices.ts) are this browser's, so every tab reads and
 * writes them: they were one list in `localStorage`, read, changed and written, and two tabs
 * choosing at the same moment kept one of the two choices — the other tab's turn showed its newest
 * after a reload, as if the user had never gone back to that version. Each choice has a key of its
 * own now. The race is made here by running the second tab's change inside the first tab's write.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fakeStorage } from '../support/fake-storage'

type Choices = typeof import('../../demo/app/lib/version-choices')

let local: ReturnType<typeof fakeStorage>

/** The module as a page of its own (a tab) has it. */
async function openTab(): Promise<Choices> {
  vi.resetModules()
  return import('../../demo/app/lib/version-choices')
}

/** Runs `other` once, inside the next write or removal in storage (between a tab's read and its write). */
function duringNextWrite(other: () => void): () => boolean {
  const { setItem, removeItem } = local.area
  let ran = false
  const first = () => {
    if (ran) return
    ran = true
    other()
  }
  local.area.setItem = (key: string, value: string) => {
    first()
    setItem(key, value)
  }
  local.area.removeItem = (key: string) => {
    first()
    removeItem(key)
  }
  return () => ran
}

beforeEach(() => {
  local = fakeStorage()
  vi.stubGlobal('localStorage', local.area)
})
afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe('answer versions chosen in two tabs at the same moment', () => {
  it('keeps both choices, in the same thread and in another', async () => {
    const first = await openTab()
    const second = await openTab()
    const ran = duringNextWrite(() => {
      second.keepChoice('t1', 'chat:m2', { jobId: 'b1', newestId: 'b2' })
      second.keepChoice('t2', 'chat:m1', { jobId: 'c1', newestId: 'c2' })
    })
    first.keepChoice('t1', 'chat:m1', { jobId: 'a1', newestId: 'a2' })
    expect(ran()).toBe(true)
    const reloaded = await openTab()
    expect(reloaded.storedChoices('t1')).toEqual({ 'chat:m1': { jobId: 'a1', newestId: 'a2' }, 'chat:m2': { jobId: 'b1', newestId: 'b2' } })
    expect(reloaded.storedChoices('t2')).toEqual({ 'chat:m1': { jobId: 'c1', newestId: 'c2' } })
  })

  it('keeps the other tab\'s choice when this one forgets its own (back to the newest, or outdated)', async () => {
    const first = await openTab()
    const second = await openTab()
    first.keepChoice('t1', 'chat:m1', { jobId: 'a1', newestId: 'a2' })
    first.keepChoice('t1', 'chat:m3', { jobId: 'd1', newestId: 'd2' })
    const ran = [duringNextWrite(() => second.keepChoice('t1', 'chat:m2', { jobId: 'b1', newestId: 'b2' }))]
    first.keepChoice('t1', 'chat:m1', null)
    ran.push(duringNextWrite(() => second.keepChoice('t1', 'chat:m4', { jobId: 'e1', newestId: 'e2' })))
    first.forgetChoices('t1', ['chat:m3'])
    expect(ran.map(done => done())).toEqual([true, true])
    const reloaded = await openTab()
    expect(Object.keys(reloaded.storedChoices('t1')).sort()).toEqual(['chat:m2', 'chat:m4'])
  })

  it('keeps the newest MAX_VERSION_CHOICES choices, whichever tab made them', async () => {
    const first = await openTab()
    const second = await openTab()
    for (let index = 0; index < first.MAX_VERSION_CHOICES; index++) {
      vi.setSystemTime(1_000 + index)
      const tab = index % 2 ? second : first
      tab.keepChoice(`t${index}`, 'chat:m1', { jobId: 'v1', newestId: 'v2' })
    }
    vi.setSystemTime(5_000)
    second.keepChoice('newest', 'chat:m1', { jobId: 'v1', newestId: 'v2' })
    const reloaded = await openTab()
    expect(reloaded.storedChoices('t0')).toEqual({})
    expect(Object.keys(reloaded.storedChoices('t1'))).toEqual(['chat:m1'])
    expect(Object.keys(reloaded.storedChoices('newest'))).toEqual(['chat:m1'])
  })

  it('moves the choices the previous release kept in one list to their own keys', async () => {
    local.store.set('background-jobs:version-choices', JSON.stringify([
      { threadId: 't1', turnKey: 'chat:m1', jobId: 'a1', newestId: 'a2' },
      { threadId: 't1', turnKey: 7 },
      { threadId: 't2', turnKey: 'chat:m1', jobId: 'c1', newestId: 'c2' },
    ]))
    const tab = await openTab()
    expect(tab.storedChoices('t1')).toEqual({ 'chat:m1': { jobId: 'a1', newestId: 'a2' } })
    expect(local.store.has('background-jobs:version-choices')).toBe(false)
    tab.forgetThreadChoices('t1')
    expect([tab.storedChoices('t1'), tab.storedChoices('t2')]).toEqual([{}, { 'chat:m1': { jobId: 'c1', newestId: 'c2' } }])
  })
})
