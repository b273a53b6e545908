/**
 * The demo's storage helpers in a browser whose storage is blocked (site data blocked, an embedding
 * site's iframe: merely reading `localStorage` throws a `SecurityError`) or full (`setItem` throws a
 * `QuotaExceededError`, as Safari's private mode of old did for every write). They threw there —
 * `typeof localStorage` reads the property too — and the chat page did not render at all. Now each
 * reads as empty, skips its write, and throws nothing (lib/safe-storage.ts).
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { JobSummary } from '../../app/lib/api-types'

afterEach(() => {
  vi.unstubAllGlobals()
  for (const name of ['localStorage', 'sessionStorage']) Reflect.deleteProperty(globalThis, name)
})

/** Reading `localStorage` and `sessionStorage` throws. */
function blockStorage(): void {
  for (const name of ['localStorage', 'sessionStorage']) {
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() {
        throw new DOMException('The operation is insecure.', 'SecurityError')
      },
    })
  }
}

/** Storage that reads what it holds and refuses every write. */
function fullStorage(held: Record<string, string> = {}): void {
  const refuse = () => {
    throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
  }
  for (const name of ['localStorage', 'sessionStorage']) {
    vi.stubGlobal(name, { getItem: (key: string) => held[key] ?? null, setItem: refuse, removeItem: refuse })
  }
}

/** The demo's modules as a new page load has them. */
async function freshModules() {
  vi.resetModules()
  return {
    knownJobs: await import('../../demo/app/lib/known-jobs'),
    keptAnswers: await import('../../demo/app/lib/kept-answers'),
    unseen: await import('../../demo/app/lib/unseen-threads'),
    drafts: await import('../../demo/app/lib/drafts'),
    safe: await import('../../demo/app/lib/safe-storage'),
  }
}

const job = { id: 'j1', type: 'chat', status: 'completed', threadId: 't1', messageId: null, title: 'Hello', createdAt: 1, updatedAt: 1, endedAt: 1, lastSeq: 3 } as JobSummary

describe('demo storage helpers: storage blocked (reading it throws)', () => {
  it('known jobs: none known, remembering and forgetting do nothing', async () => {
    blockStorage()
    const { knownJobs } = await freshModules()
    expect(() => knownJobs.rememberJobs([job])).not.toThrow()
    expect(knownJobs.knownJobs()).toEqual([])
    expect(() => knownJobs.forgetJob('j1')).not.toThrow()
    expect(() => knownJobs.forgetThread('t1')).not.toThrow()
  })

  it('kept answers: none kept, keeping and forgetting do nothing', async () => {
    blockStorage()
    const { keptAnswers } = await freshModules()
    expect(() => keptAnswers.keepAnswer('j1', 'Half an answer')).not.toThrow()
    expect(keptAnswers.keptAnswer('j1')).toBeNull()
    expect(() => keptAnswers.forgetAnswer('j1')).not.toThrow()
  })

  it('unseen threads: the tab keeps its own marks', async () => {
    blockStorage()
    const { unseen } = await freshModules()
    expect(unseen.readUnseen()).toBeNull()
    expect(unseen.changeUnseen(['t1'], ids => [...ids, 't2'])).toEqual(['t1', 't2'])
  })

  it('drafts: kept in the tab\'s memory only', async () => {
    blockStorage()
    const { drafts } = await freshModules()
    expect(() => drafts.keepDraft('t1', 'Half a question')).not.toThrow()
    expect(drafts.draftOf('t1')).toBe('Half a question')
    expect(() => drafts.saveDrafts()).not.toThrow()
    expect((await freshModules()).drafts.storedDraftOf('t1')).toBe('')
  })

  it('the helper: nothing read, nothing written, nothing thrown', async () => {
    blockStorage()
    const { safe } = await freshModules()
    for (const area of ['localStorage', 'sessionStorage'] as const) {
      expect(safe.storageArea(area)).toBeNull()
      expect(safe.readStored('key', area)).toBeNull()
      expect(safe.canReadStored('key', area)).toBe(false)
      expect(safe.writeStored('key', 'value', area)).toBe(false)
      expect(() => safe.removeStored('key', area)).not.toThrow()
    }
  })
})

describe('demo storage helpers: storage full (every write throws)', () => {
  it('each helper skips its write and still reads what was kept before', async () => {
    fullStorage({
      'background-jobs-demo:known-jobs': JSON.stringify([job]),
      'background-jobs-demo:kept-answers': JSON.stringify([['j1', { text: 'Kept before', truncated: false }]]),
      'background-jobs:unseen-threads': '["t1"]',
    })
    const { knownJobs, keptAnswers, unseen, drafts, safe } = await freshModules()
    expect(() => knownJobs.rememberJobs([{ ...job, id: 'j2' }])).not.toThrow()
    expect(() => knownJobs.forgetThread('t1')).not.toThrow()
    expect(knownJobs.knownJobs().map(known => known.id)).toEqual(['j1'])
    expect(() => keptAnswers.keepAnswer('j2', 'More')).not.toThrow()
    expect(() => keptAnswers.forgetAnswer('j1')).not.toThrow()
    expect(keptAnswers.keptAnswer('j1')?.text).toBe('Kept before')
    expect(unseen.changeUnseen([], ids => [...ids, 't2'])).toEqual(['t1', 't2'])
    expect(() => drafts.keepDraft('t1', 'Typed')).not.toThrow()
    expect(drafts.draftOf('t1')).toBe('Typed')
    expect(() => drafts.saveDrafts()).not.toThrow()
    expect(safe.writeStored('key', 'value')).toBe(false)
    expect(() => safe.removeStored('key')).not.toThrow()
  })
})
