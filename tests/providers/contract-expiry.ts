/**
 * Contract: deleting finished jobs after retention.
 */
import { describe, expect, it } from 'vitest'
import type { ContractScope } from './contract'
import { appendAccepted, createEndedJob, createJob, START_MS, statusEvent } from './contract-fixtures'

const CUTOFF_MS = START_MS + 5_000_000

/** Defines the `deleteExpired` tests. */
export function defineExpiryContract(scope: ContractScope): void {
  describe('deleteExpired', () => {
    it('deletes only finished jobs that ended before the cutoff, with their events', async () => {
      const old = await createEndedJob(scope.provider, CUTOFF_MS - 1, 'aborted')
      const atCutoff = await createEndedJob(scope.provider, CUTOFF_MS, 'completed')
      const recent = await createEndedJob(scope.provider, CUTOFF_MS + 1, 'failed')
      const active = await createJob(scope.provider, { createdAt: START_MS })
      await appendAccepted(scope.provider, active.id, [statusEvent(1)])

      expect(await scope.provider.deleteExpired(CUTOFF_MS)).toBe(1)
      expect(await scope.provider.get(old.id)).toBeNull()
      expect(await scope.provider.readEvents(old.id, 0)).toBeNull()
      expect(await scope.provider.getState(old.id)).toBeNull()
      for (const kept of [atCutoff, recent, active]) expect(await scope.provider.get(kept.id)).not.toBeNull()
      expect((await scope.provider.readEvents(atCutoff.id, 0))?.events).toHaveLength(2)
      expect((await scope.provider.list({ userId: 'user-a' })).map(job => job.id).sort()).toEqual([atCutoff.id, recent.id, active.id].sort())
      expect(await scope.provider.deleteExpired(CUTOFF_MS)).toBe(0)
    })

    it('never deletes an active job, however old', async () => {
      const active = await createJob(scope.provider, { createdAt: START_MS })
      expect(await scope.provider.deleteExpired(Number.MAX_SAFE_INTEGER)).toBe(0)
      expect(await scope.provider.get(active.id)).not.toBeNull()
    })

    it('deletes at most `limit` jobs per call', async () => {
      for (let index = 0; index < 3; index++) await createEndedJob(scope.provider, CUTOFF_MS - 10 + index)
      expect(await scope.provider.deleteExpired(CUTOFF_MS, 2)).toBe(2)
      expect(await scope.provider.list({ userId: 'user-a' })).toHaveLength(1)
      expect(await scope.provider.deleteExpired(CUTOFF_MS, 2)).toBe(1)
      expect(await scope.provider.deleteExpired(CUTOFF_MS, 2)).toBe(0)
    })

    it('frees the idempotency key of a deleted job', async () => {
      const old = await createEndedJob(scope.provider, CUTOFF_MS - 1, 'completed', { idempotencyKey: 'key-1' })
      await scope.provider.deleteExpired(CUTOFF_MS)
      const again = await scope.provider.create({ ...old, id: `${old.id}-again` })
      expect(again.created).toBe(true)
      expect(again.record).toMatchObject({ id: `${old.id}-again`, status: 'queued', lastSeq: 0 })
    })

    it('counts the deleted jobs out of list and countActive', async () => {
      await createEndedJob(scope.provider, CUTOFF_MS - 1)
      await createJob(scope.provider, { userId: 'user-b' })
      await scope.provider.deleteExpired(CUTOFF_MS)
      expect(await scope.provider.list({ userId: 'user-a' })).toEqual([])
      expect(await scope.provider.countActive()).toBe(1)
    })
  })
}
