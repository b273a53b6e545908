/**
 * The memory provider's thread index beyond the contract: `list({ threadId })` reads that thread's
 * jobs and no other (its own list, in list order), and the index holds nothing once the jobs are gone.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { readJobPage } from '../../server/lib/job-page'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import type { MemoryProvider } from '../../server/lib/providers/memory'
import type { JobListBound, JobRecord } from '../../server/lib/providers/types'
import { createEndedJob, START_MS } from './contract-fixtures'

const ENDED_MS = START_MS + 1_000_000

afterEach(() => {
  vi.restoreAllMocks()
})

/** Runs `read` and returns its result with every key looked up in any `Map` meanwhile. */
async function lookedUp<T>(read: () => Promise<T>): Promise<{ result: T, keys: Set<unknown> }> {
  const keys = new Set<unknown>()
  const get = Map.prototype.get
  vi.spyOn(Map.prototype, 'get').mockImplementation(function (this: Map<unknown, unknown>, key: unknown) {
    keys.add(key)
    return get.call(this, key)
  })
  try {
    return { result: await read(), keys }
  }
  finally {
    vi.restoreAllMocks()
  }
}

/** Jobs of three threads created in turn, two to a millisecond (ids out of order within one). */
async function interleavedThreads(provider: MemoryProvider): Promise<Map<string, JobRecord[]>> {
  const byThread = new Map<string, JobRecord[]>([['red', []], ['green', []], ['blue', []]])
  const threads = [...byThread.keys()]
  for (let index = 0; index < 30; index++) {
    const threadId = threads[index % 3]!
    const record = await createEndedJob(provider, ENDED_MS, 'completed', { id: `job-${(index * 7) % 30}-${threadId}`, threadId, createdAt: START_MS + Math.floor(index / 2) })
    byThread.get(threadId)!.push(record)
  }
  return byThread
}

describe('memory thread index', () => {
  it('list({ threadId }) pages through that thread in list order, deletions between pages, looking up no other thread\'s job', async () => {
    const provider = createMemoryProvider()
    const byThread = await interleavedThreads(provider)
    const others = new Set([...byThread.get('red')!, ...byThread.get('blue')!].map(record => record.id))
    const green = byThread.get('green')!.map(record => ({ createdAt: record.createdAt, id: record.id }))
    // List order: createdAt descending, then id descending.
    const expected = green.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1)).map(place => place.id)

    const seen: string[] = []
    let before: JobListBound | undefined
    for (let pages = 0; pages < 10; pages++) {
      const { result: page, keys } = await lookedUp(() => readJobPage(provider, { userId: 'user-a', threadId: 'green', limit: 3, ...(before ? { before } : {}) }))
      expect([...keys].filter(key => others.has(key as string)), `page ${pages + 1}`).toEqual([])
      seen.push(...page.records.map(record => record.id))
      if (!page.next) break
      before = page.next
      // Between pages: the page's last job (the bound itself) goes, and jobs of the other threads.
      expect(await provider.deleteJob(page.records.at(-1)!.id)).toBe('deleted')
      expect(await provider.deleteJob(byThread.get('red')![pages]!.id)).toBe('deleted')
      expect(await provider.deleteJob(byThread.get('blue')!.at(-1 - pages)!.id)).toBe('deleted')
    }
    expect(seen).toEqual(expected)
    await provider.dispose()
  })

  it('holds no thread once every job is gone: thread delete, delete, retention and eviction', async () => {
    const provider = createMemoryProvider({ maxJobs: 30 })
    const byThread = await interleavedThreads(provider)
    expect(provider.stats()).toMatchObject({ jobs: 30, threads: 3, users: 1 })
    // As the engine deletes a thread: its ended jobs, read by thread, a page at a time.
    for (;;) {
      const page = await provider.list({ userId: 'user-a', threadId: 'red', status: ['completed'], limit: 4 })
      for (const record of page) expect(await provider.deleteJob(record.id)).toBe('deleted')
      if (page.length < 4) break
    }
    expect(provider.stats()).toMatchObject({ jobs: 20, threads: 2 })
    expect(await provider.list({ userId: 'user-a', threadId: 'red' })).toEqual([])
    // Eviction: twenty more jobs in a new thread push ten finished ones out (the first to end go first).
    for (let index = 0; index < 20; index++) await createEndedJob(provider, ENDED_MS + 1, 'completed', { threadId: 'new', createdAt: START_MS + 100 + index })
    expect(provider.stats()).toMatchObject({ jobs: 30 })
    expect((await provider.list({ userId: 'user-a', threadId: 'green', limit: 100 })).length + (await provider.list({ userId: 'user-a', threadId: 'blue', limit: 100 })).length).toBe(10)
    for (const record of byThread.get('green')!) await provider.deleteJob(record.id)
    expect(await provider.deleteExpired(ENDED_MS + 2)).toBeGreaterThan(0)
    expect(provider.stats()).toEqual({ jobs: 0, events: 0, idempotencyKeys: 0, users: 0, listeners: 0, threads: 0 })
    expect(await provider.listThreads({ userId: 'user-a', limit: 10 })).toEqual({ threads: [], next: null })
    await provider.dispose()
  })
})
