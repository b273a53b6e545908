/**
 * Contract: reading a user's list a page at a time (keyset paging on `createdAt`, then `id`, both
 * descending), as `GET /api/jobs?before=` does through server/lib/job-page.ts.
 */
import { describe, expect, it } from 'vitest'
import { readJobPage } from '../../server/lib/job-page'
import { compareNewestFirst } from '../../server/lib/providers/list-order'
import type { JobListBound, JobListFilter, JobRecord } from '../../server/lib/providers/types'
import type { ContractScope } from './contract'
import { appendAccepted, createEndedJob, createJob, eventAt, START_MS, statusEvent } from './contract-fixtures'

type PageFilter = Omit<JobListFilter, 'userId' | 'before'>

/** Every page of `filter`, following `next` from the newest; fails when a page is over its limit. */
async function walk(scope: ContractScope, filter: PageFilter): Promise<Array<JobRecord[]>> {
  const pages: Array<JobRecord[]> = []
  let before: JobListBound | undefined
  for (;;) {
    const page = await readJobPage(scope.provider, { userId: 'user-a', ...filter, ...(before ? { before } : {}) })
    expect(page.records.length).toBeLessThanOrEqual(filter.limit ?? 50)
    pages.push(page.records)
    if (!page.next) return pages
    expect(page.records.length).toBe(filter.limit ?? 50)
    expect(page.next).toEqual({ createdAt: page.records.at(-1)!.createdAt, id: page.records.at(-1)!.id })
    before = page.next
    expect(pages.length).toBeLessThan(100)
  }
}

const ids = (records: JobRecord[]) => records.map(record => record.id)

/** Defines the paging tests. */
export function definePageContract(scope: ContractScope): void {
  describe('list pages', () => {
    it('walks the pages of every filter: every matching job exactly once, newest first, ties by id', async () => {
      // Ids out of order within a millisecond (a store that orders ties by insertion must still sort them by id).
      const at = [10, 10, 10, 20, 30, 30, 40, 50, 50, 50, 60, 70]
      const suffixes = ['m', 'c', 'x', 'a', 'q', 'b', 'k', 'z', 'd', 'n', 'e', 'f']
      const all: JobRecord[] = []
      for (const [index, offset] of at.entries()) {
        const record = await createJob(scope.provider, {
          id: `page-${suffixes[index]}`,
          createdAt: START_MS + offset,
          threadId: index % 3 === 0 ? 'thread-1' : 'thread-2',
          messageId: index % 4 === 0 ? 'message-1' : null,
        })
        if (index % 2 === 0) await appendAccepted(scope.provider, record.id, [statusEvent(1)])
        all.push((await scope.provider.get(record.id))!)
      }
      await createJob(scope.provider, { userId: 'user-b', createdAt: START_MS + 35 })
      const filters: PageFilter[] = [
        {},
        { status: ['running'] },
        { status: ['queued', 'completed'] },
        { threadId: 'thread-1' },
        { threadId: 'thread-2', status: ['queued'] },
        { messageId: 'message-1' },
        { messageId: 'message-1', status: ['running'] },
        // A status named twice (`?status=running,running`) is still one filter: each job once.
        { status: ['running', 'running'] },
        { threadId: 'thread-2', status: ['queued', 'completed', 'queued'] },
      ]
      for (const filter of filters) {
        const expected = all.filter(record =>
          (!filter.status || filter.status.includes(record.status))
          && (filter.threadId === undefined || record.threadId === filter.threadId)
          && (filter.messageId === undefined || record.messageId === filter.messageId))
          .sort(compareNewestFirst)
        expect(expected.length).toBeGreaterThan(0)
        for (const limit of [1, 2, 5, 50]) {
          const pages = await walk(scope, { ...filter, limit })
          expect(pages.flatMap(ids), JSON.stringify({ filter, limit })).toEqual(ids(expected))
        }
      }
    })

    it('reads strictly after the bound, also when the bound is in the middle of a millisecond', async () => {
      for (const suffix of ['b', 'd', 'a', 'c']) await createJob(scope.provider, { id: `tie-${suffix}`, createdAt: START_MS + 5 })
      await createJob(scope.provider, { id: 'tie-older', createdAt: START_MS + 4 })
      const after = async (before: JobListBound) => ids(await scope.provider.list({ userId: 'user-a', before }))
      expect(await after({ createdAt: START_MS + 5, id: 'tie-c' })).toEqual(['tie-b', 'tie-a', 'tie-older'])
      // A bound between stored ids (its job gone, or never there) works the same.
      expect(await after({ createdAt: START_MS + 5, id: 'tie-bb' })).toEqual(['tie-b', 'tie-a', 'tie-older'])
      expect(await after({ createdAt: START_MS + 5, id: 'tie-a' })).toEqual(['tie-older'])
      expect(await after({ createdAt: START_MS + 4, id: 'tie-older' })).toEqual([])
      expect(await after({ createdAt: START_MS + 6, id: '' })).toEqual(['tie-d', 'tie-c', 'tie-b', 'tie-a', 'tie-older'])
    })

    it('neither skips nor repeats a job when jobs of the previous page are deleted before the next read', async () => {
      const made: JobRecord[] = []
      for (let index = 0; index < 6; index++) made.push(await createEndedJob(scope.provider, eventAt(5), 'completed', { createdAt: START_MS + 100 + index }))
      const newestFirst = ids(made.reverse())
      const first = await readJobPage(scope.provider, { userId: 'user-a', limit: 2 })
      expect(ids(first.records)).toEqual(newestFirst.slice(0, 2))
      // The page's last job (the bound itself) and the one before it go.
      for (const record of first.records) expect(await scope.provider.deleteJob(record.id)).toBe('deleted')
      const second = await readJobPage(scope.provider, { userId: 'user-a', limit: 2, before: first.next! })
      expect(ids(second.records)).toEqual(newestFirst.slice(2, 4))
      const third = await readJobPage(scope.provider, { userId: 'user-a', limit: 2, before: second.next! })
      expect(ids(third.records)).toEqual(newestFirst.slice(4, 6))
      expect(third.next).toBeNull()
    })

    it('keeps jobs created between page reads out of the older pages', async () => {
      const made: JobRecord[] = []
      for (let index = 0; index < 4; index++) made.push(await createJob(scope.provider, { createdAt: START_MS + 200 + index }))
      const newestFirst = ids(made.reverse())
      const first = await readJobPage(scope.provider, { userId: 'user-a', limit: 2 })
      const created = await createJob(scope.provider, { createdAt: START_MS + 300 })
      const second = await readJobPage(scope.provider, { userId: 'user-a', limit: 2, before: first.next! })
      expect([...ids(first.records), ...ids(second.records)]).toEqual(newestFirst)
      expect(second.next).toBeNull()
      // A fresh first page shows it.
      expect(ids((await readJobPage(scope.provider, { userId: 'user-a', limit: 2 })).records)[0]).toBe(created.id)
    })

    it('says there is no next page when the last page is exactly full, and reads none for another user', async () => {
      for (let index = 0; index < 3; index++) await createJob(scope.provider, { createdAt: START_MS + 400 + index })
      expect((await readJobPage(scope.provider, { userId: 'user-a', limit: 3 })).next).toBeNull()
      expect((await readJobPage(scope.provider, { userId: 'user-a', limit: 2 })).next).not.toBeNull()
      const page = await readJobPage(scope.provider, { userId: 'user-b', limit: 2, before: { createdAt: START_MS + 402, id: 'anything' } })
      expect(page).toEqual({ records: [], next: null })
    })
  })
}
