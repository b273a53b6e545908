/**
 * Contract: the user's threads (`listThreads`), read from an index that `create` and every
 * deletion path (deleteJob, deleteExpired) keep right.
 */
import { describe, expect, it } from 'vitest'
import type { JobProvider, ThreadCursor, ThreadPage } from '../../server/lib/providers/types'
import type { ContractScope } from './contract'
import { appendAccepted, createEndedJob, createJob, START_MS, statusEvent } from './contract-fixtures'

/** When a thread test's jobs are created (`at(3)` is three steps after the first). */
const at = (step: number) => START_MS + 10_000 + step * 100
/** When the ended jobs of these tests ended (retention cuts around it). */
const ENDED_MS = START_MS + 2_000_000

/** A page in a comparable shape: thread id, first and last job ids, active job ids. */
function shape(page: ThreadPage) {
  return page.threads.map(thread => [thread.threadId, thread.first.id, thread.last.id, thread.active.map(job => job.id).sort()])
}

/** Every thread id of the user, read `limit` at a time. */
async function readAllPages(provider: JobProvider, userId: string, limit: number): Promise<{ ids: string[], pages: number }> {
  const ids: string[] = []
  let before: ThreadCursor | null = null
  let pages = 0
  for (;;) {
    const page: ThreadPage = await provider.listThreads({ userId, limit, before })
    pages++
    expect(page.threads.length).toBeLessThanOrEqual(limit)
    ids.push(...page.threads.map(thread => thread.threadId))
    if (!page.next) return { ids, pages }
    before = page.next
    if (pages > 20) throw new Error('listThreads never ended')
  }
}

/** Defines the `listThreads` tests. */
export function defineThreadContract(scope: ContractScope): void {
  describe('listThreads', () => {
    it('lists threads by their newest job, with their first and last jobs; jobs without a thread and other users are not there', async () => {
      const a1 = await createEndedJob(scope.provider, ENDED_MS, 'completed', { threadId: 'thread-a', createdAt: at(1), title: 'First of A' })
      const b1 = await createEndedJob(scope.provider, ENDED_MS, 'completed', { threadId: 'thread-b', createdAt: at(2), title: 'First of B' })
      const a2 = await createEndedJob(scope.provider, ENDED_MS, 'completed', { threadId: 'thread-a', createdAt: at(3), title: 'Second of A' })
      await createEndedJob(scope.provider, ENDED_MS, 'completed', { threadId: null, createdAt: at(4) })
      await createEndedJob(scope.provider, ENDED_MS, 'completed', { threadId: 'thread-c', createdAt: at(5), userId: 'user-b' })

      const page = await scope.provider.listThreads({ userId: 'user-a', limit: 10 })
      expect(shape(page)).toEqual([['thread-a', a1.id, a2.id, []], ['thread-b', b1.id, b1.id, []]])
      expect(page.next).toBeNull()
      expect(page.threads[0]!.first).toMatchObject({ title: 'First of A', createdAt: at(1), userId: 'user-a' })
      expect(page.threads[0]!.last).toMatchObject({ title: 'Second of A', createdAt: at(3), status: 'completed' })
      expect(shape(await scope.provider.listThreads({ userId: 'user-b', limit: 10 }))).toEqual([['thread-c', expect.any(String), expect.any(String), []]])
      expect(await scope.provider.listThreads({ userId: 'user-c', limit: 10 })).toEqual({ threads: [], next: null })
    })

    it('pages without skipping or repeating a thread, ties ordered by thread id (descending)', async () => {
      // Five threads, three of them tied on their newest job's time.
      for (const [threadId, step] of [['t-1', 1], ['t-2', 5], ['t-3', 5], ['t-4', 5], ['t-5', 9]] as const) {
        await createEndedJob(scope.provider, ENDED_MS, 'completed', { threadId, createdAt: at(step) })
      }
      const expected = ['t-5', 't-4', 't-3', 't-2', 't-1']
      expect((await scope.provider.listThreads({ userId: 'user-a', limit: 10 })).threads.map(thread => thread.threadId)).toEqual(expected)
      for (const limit of [1, 2, 3, 4]) {
        const { ids, pages } = await readAllPages(scope.provider, 'user-a', limit)
        expect(ids, `limit ${limit}`).toEqual(expected)
        expect(pages, `limit ${limit}`).toBe(Math.ceil(expected.length / limit))
      }
    })

    it('a thread moves up when a new job joins it, and names its active jobs', async () => {
      await createEndedJob(scope.provider, ENDED_MS, 'completed', { threadId: 'older', createdAt: at(1) })
      await createEndedJob(scope.provider, ENDED_MS, 'completed', { threadId: 'newer', createdAt: at(2) })
      const running = await createJob(scope.provider, { threadId: 'older', createdAt: at(3) })
      await appendAccepted(scope.provider, running.id, [statusEvent(1, 'running')])
      const waiting = await createJob(scope.provider, { threadId: 'older', createdAt: at(4) })
      await appendAccepted(scope.provider, waiting.id, [statusEvent(1, 'waiting')])

      const page = await scope.provider.listThreads({ userId: 'user-a', limit: 10 })
      expect(page.threads.map(thread => thread.threadId)).toEqual(['older', 'newer'])
      expect(page.threads[0]!.last.id).toBe(waiting.id)
      expect(page.threads[0]!.active.map(job => [job.id, job.status]).sort()).toEqual([[running.id, 'running'], [waiting.id, 'waiting']].sort())
      expect(page.threads[1]!.active).toEqual([])
    })

    it('deleteJob: the newest job goes (the thread moves to its next newest), the oldest goes (the next one titles it), the last goes (the thread goes)', async () => {
      const first = await createEndedJob(scope.provider, ENDED_MS, 'completed', { threadId: 'long', createdAt: at(1), title: 'One' })
      const second = await createEndedJob(scope.provider, ENDED_MS, 'completed', { threadId: 'long', createdAt: at(2), title: 'Two' })
      await createEndedJob(scope.provider, ENDED_MS, 'completed', { threadId: 'middle', createdAt: at(3) })
      const third = await createEndedJob(scope.provider, ENDED_MS, 'completed', { threadId: 'long', createdAt: at(4), title: 'Three' })
      const names = async () => (await scope.provider.listThreads({ userId: 'user-a', limit: 10 })).threads.map(thread => thread.threadId)
      expect(await names()).toEqual(['long', 'middle'])

      expect(await scope.provider.deleteJob(third.id)).toBe('deleted')
      expect(await names()).toEqual(['middle', 'long'])
      expect(shape(await scope.provider.listThreads({ userId: 'user-a', limit: 1, before: { newestAt: at(3), threadId: 'middle' } }))).toEqual([['long', first.id, second.id, []]])

      expect(await scope.provider.deleteJob(first.id)).toBe('deleted')
      const [, long] = (await scope.provider.listThreads({ userId: 'user-a', limit: 10 })).threads
      expect(long).toMatchObject({ threadId: 'long', first: { id: second.id, title: 'Two' }, last: { id: second.id } })

      expect(await scope.provider.deleteJob(second.id)).toBe('deleted')
      expect(await names()).toEqual(['middle'])
      expect(await scope.provider.list({ userId: 'user-a', threadId: 'long' })).toEqual([])
    })

    it('deleteExpired: retention takes the old jobs out of their threads, and empty threads with them', async () => {
      const oldFirst = await createEndedJob(scope.provider, ENDED_MS - 10, 'completed', { threadId: 'mixed', createdAt: at(1) })
      const kept = await createEndedJob(scope.provider, ENDED_MS + 10, 'completed', { threadId: 'mixed', createdAt: at(2) })
      await createEndedJob(scope.provider, ENDED_MS - 10, 'failed', { threadId: 'gone', createdAt: at(3) })
      const oldNewest = await createEndedJob(scope.provider, ENDED_MS - 10, 'aborted', { threadId: 'mixed', createdAt: at(4) })
      expect((await scope.provider.listThreads({ userId: 'user-a', limit: 10 })).threads.map(thread => [thread.threadId, thread.first.id, thread.last.id]))
        .toEqual([['mixed', oldFirst.id, oldNewest.id], ['gone', expect.any(String), expect.any(String)]])

      expect(await scope.provider.deleteExpired(ENDED_MS)).toBe(3)
      expect(shape(await scope.provider.listThreads({ userId: 'user-a', limit: 10 }))).toEqual([['mixed', kept.id, kept.id, []]])
      expect(await scope.provider.deleteExpired(ENDED_MS + 11)).toBe(1)
      expect(await scope.provider.listThreads({ userId: 'user-a', limit: 10 })).toEqual({ threads: [], next: null })
    })

    it('list({ threadId }) reads that thread\'s jobs only, newest first, with the other filters', async () => {
      const one = await createEndedJob(scope.provider, ENDED_MS, 'completed', { threadId: 'talk', createdAt: at(1) })
      await createEndedJob(scope.provider, ENDED_MS, 'completed', { threadId: 'other', createdAt: at(2) })
      const two = await createEndedJob(scope.provider, ENDED_MS, 'failed', { threadId: 'talk', createdAt: at(3) })
      const three = await createJob(scope.provider, { threadId: 'talk', createdAt: at(4) })
      await createEndedJob(scope.provider, ENDED_MS, 'completed', { threadId: 'talk', createdAt: at(5), userId: 'user-b' })
      expect((await scope.provider.list({ userId: 'user-a', threadId: 'talk' })).map(job => job.id)).toEqual([three.id, two.id, one.id])
      expect((await scope.provider.list({ userId: 'user-a', threadId: 'talk', limit: 2 })).map(job => job.id)).toEqual([three.id, two.id])
      expect((await scope.provider.list({ userId: 'user-a', threadId: 'talk', status: ['completed', 'failed'] })).map(job => job.id)).toEqual([two.id, one.id])
    })
  })
}
