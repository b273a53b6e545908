/**
 * Contract: the title a user gives one of their threads (`renameThread`), which `listThreads`
 * gives as the thread's `title` and which goes with the thread's last job on every deletion path.
 */
import { describe, expect, it } from 'vitest'
import type { JobProvider } from '../../server/lib/providers/types'
import type { ContractScope } from './contract'
import { createEndedJob, createJob, START_MS } from './contract-fixtures'

/** When these tests' jobs are created (`at(3)` is three steps after the first). */
const at = (step: number) => START_MS + 10_000 + step * 100
/** When their ended jobs ended (retention cuts around it). */
const ENDED_MS = START_MS + 2_000_000

/** The user's threads as `[threadId, title given or undefined, first job's title]`. */
async function titles(provider: JobProvider, userId = 'user-a') {
  return (await provider.listThreads({ userId, limit: 10 })).threads.map(thread => [thread.threadId, thread.title, thread.first.title])
}

/** Defines the `renameThread` tests. */
export function defineThreadTitleContract(scope: ContractScope): void {
  describe('renameThread', () => {
    it('gives the user\'s thread its title (a later one replaces it); another user\'s thread, or none, takes nothing', async () => {
      await createEndedJob(scope.provider, ENDED_MS, 'completed', { threadId: 'talk', createdAt: at(1), title: 'First question' })
      const newest = await createJob(scope.provider, { threadId: 'talk', createdAt: at(2), title: 'Second question' })
      await createEndedJob(scope.provider, ENDED_MS, 'completed', { threadId: 'other', createdAt: at(3), title: 'Other' })
      await createEndedJob(scope.provider, ENDED_MS, 'completed', { threadId: 'theirs', createdAt: at(4), userId: 'user-b', title: 'Theirs' })
      expect(await titles(scope.provider)).toEqual([['other', undefined, 'Other'], ['talk', undefined, 'First question']])

      // Answered with the id of the thread's newest job (what its `thread-renamed` names).
      expect(await scope.provider.renameThread('user-a', 'talk', 'Trip to Lisbon 🇵🇹')).toBe(newest.id)
      expect(await titles(scope.provider)).toEqual([['other', undefined, 'Other'], ['talk', 'Trip to Lisbon 🇵🇹', 'First question']])
      expect(await scope.provider.renameThread('user-a', 'talk', 'Lisbon', 'rename-2')).toBe(newest.id)
      expect(await titles(scope.provider)).toEqual([['other', undefined, 'Other'], ['talk', 'Lisbon', 'First question']])

      expect(await scope.provider.renameThread('user-a', 'theirs', 'Mine now')).toBeNull()
      expect(await scope.provider.renameThread('user-b', 'talk', 'Mine now')).toBeNull()
      expect(await scope.provider.renameThread('user-a', 'nowhere', 'Nothing')).toBeNull()
      expect(await titles(scope.provider, 'user-b')).toEqual([['theirs', undefined, 'Theirs']])
      expect(await titles(scope.provider)).toEqual([['other', undefined, 'Other'], ['talk', 'Lisbon', 'First question']])
      // A thread the user never had gets no title: started later, it has none.
      await createJob(scope.provider, { threadId: 'nowhere', createdAt: at(5), title: 'Later' })
      expect((await titles(scope.provider))[0]).toEqual(['nowhere', undefined, 'Later'])
    })

    it('keeps the title while the thread has a job (its first deleted too); it goes with the last one (deleteJob)', async () => {
      const first = await createEndedJob(scope.provider, ENDED_MS, 'completed', { threadId: 'talk', createdAt: at(1), title: 'One' })
      const second = await createEndedJob(scope.provider, ENDED_MS, 'completed', { threadId: 'talk', createdAt: at(2), title: 'Two' })
      expect(await scope.provider.renameThread('user-a', 'talk', 'Named')).toBe(second.id)
      expect(await scope.provider.deleteJob(first.id)).toBe('deleted')
      expect(await titles(scope.provider)).toEqual([['talk', 'Named', 'Two']])
      expect(await scope.provider.deleteJob(second.id)).toBe('deleted')
      expect(await titles(scope.provider)).toEqual([])
      // The same thread id started again is a new thread: the old title did not stay behind.
      expect(await scope.provider.renameThread('user-a', 'talk', 'Ghost')).toBeNull()
      await createJob(scope.provider, { threadId: 'talk', createdAt: at(3), title: 'Three' })
      expect(await titles(scope.provider)).toEqual([['talk', undefined, 'Three']])
    })

    it('goes with the thread\'s last job at retention (deleteExpired), and stays while a job of it is kept', async () => {
      const gone = await createEndedJob(scope.provider, ENDED_MS - 10, 'completed', { threadId: 'gone', createdAt: at(1), title: 'Old' })
      await createEndedJob(scope.provider, ENDED_MS - 10, 'completed', { threadId: 'kept', createdAt: at(2), title: 'Old kept' })
      const kept = await createEndedJob(scope.provider, ENDED_MS + 10, 'completed', { threadId: 'kept', createdAt: at(3), title: 'New kept' })
      expect(await scope.provider.renameThread('user-a', 'gone', 'Gone soon')).toBe(gone.id)
      expect(await scope.provider.renameThread('user-a', 'kept', 'Kept')).toBe(kept.id)

      expect(await scope.provider.deleteExpired(ENDED_MS)).toBe(2)
      expect(await titles(scope.provider)).toEqual([['kept', 'Kept', 'New kept']])
      await createJob(scope.provider, { threadId: 'gone', createdAt: at(4), title: 'Again' })
      expect(await titles(scope.provider)).toEqual([['gone', undefined, 'Again'], ['kept', 'Kept', 'New kept']])
    })
  })
}
