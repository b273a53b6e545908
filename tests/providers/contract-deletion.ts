/**
 * Contract: deleting one finished job on request (`deleteJob`), with everything retention deletes.
 */
import { describe, expect, it } from 'vitest'
import type { ContractScope } from './contract'
import { appendAccepted, chatLog, createEndedJob, createJob, endEvent, START_MS, statusEvent } from './contract-fixtures'

const ENDED_AT_MS = START_MS + 2_000_000

/** Defines the `deleteJob` tests. */
export function defineDeletionContract(scope: ContractScope): void {
  describe('deleteJob', () => {
    it('deletes a finished job with its events and list entry, and nothing else', async () => {
      const doomed = await createEndedJob(scope.provider, ENDED_AT_MS, 'completed', { threadId: 'thread-1' })
      const kept = await createEndedJob(scope.provider, ENDED_AT_MS, 'completed', { threadId: 'thread-1' })

      expect(await scope.provider.deleteJob(doomed.id)).toBe('deleted')
      expect(await scope.provider.get(doomed.id)).toBeNull()
      expect(await scope.provider.readEvents(doomed.id, 0)).toBeNull()
      expect(await scope.provider.getState(doomed.id)).toBeNull()
      expect((await scope.provider.list({ userId: 'user-a' })).map(job => job.id)).toEqual([kept.id])
      expect((await scope.provider.list({ userId: 'user-a', threadId: 'thread-1' })).map(job => job.id)).toEqual([kept.id])
      expect((await scope.provider.readEvents(kept.id, 0))?.events).toHaveLength(2)
      expect(await scope.provider.countActive()).toBe(0)
      // Retention finds nothing left of it either.
      expect(await scope.provider.deleteExpired(Number.MAX_SAFE_INTEGER)).toBe(1)
      expect(await scope.provider.deleteJob(doomed.id)).toBe('not-found')
    })

    it('answers not-found for a job it never held', async () => {
      expect(await scope.provider.deleteJob('no-such-job')).toBe('not-found')
    })

    it('refuses a job that has not ended, leaving it whole', async () => {
      const queued = await createJob(scope.provider)
      const running = await createJob(scope.provider)
      await appendAccepted(scope.provider, running.id, chatLog())

      expect(await scope.provider.deleteJob(queued.id)).toBe('active')
      expect(await scope.provider.deleteJob(running.id)).toBe('active')
      expect(await scope.provider.get(queued.id)).toMatchObject({ status: 'queued' })
      expect((await scope.provider.readEvents(running.id, 0))?.events).toHaveLength(3)
      expect(await scope.provider.countActive({ userId: 'user-a' })).toBe(2)
      // The running job goes on as if nothing happened.
      await appendAccepted(scope.provider, running.id, [statusEvent(4, 'waiting')])
    })

    it('frees the idempotency key of a deleted job', async () => {
      const doomed = await createEndedJob(scope.provider, ENDED_AT_MS, 'aborted', { idempotencyKey: 'key-1' })
      await scope.provider.deleteJob(doomed.id)
      const again = await scope.provider.create({ ...doomed, id: `${doomed.id}-again` })
      expect(again.created).toBe(true)
      expect(again.record).toMatchObject({ id: `${doomed.id}-again`, status: 'queued', lastSeq: 0 })
    })

    it('deletes the controls and replies of a deleted job', async () => {
      const { sendControl, replyToControl, readControlReply } = scope.provider
      if (!sendControl || !replyToControl || !readControlReply) return
      const doomed = await createJob(scope.provider)
      await appendAccepted(scope.provider, doomed.id, [statusEvent(1)])
      const controlId = await sendControl.call(scope.provider, doomed.id, { type: 'abort', userId: 'user-a' })
      await replyToControl.call(scope.provider, doomed.id, controlId, { ok: true })
      await appendAccepted(scope.provider, doomed.id, [endEvent(2, 'aborted', ENDED_AT_MS)])

      expect(await scope.provider.deleteJob(doomed.id)).toBe('deleted')
      expect(await readControlReply.call(scope.provider, doomed.id, controlId)).toBeNull()
      await expect(sendControl.call(scope.provider, doomed.id, { type: 'abort', userId: 'user-a' })).rejects.toThrow()
    })
  })
}
