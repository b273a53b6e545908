/**
 * Contract: following a job's newly stored events.
 */
import { describe, expect, it } from 'vitest'
import type { JobEvent } from '../../shared/events'
import type { JobProvider } from '../../server/lib/providers/types'
import type { ContractScope } from './contract'
import { appendAccepted, chatLog, createEndedJob, createJob, endEvent, START_MS, statusEvent, textEvent } from './contract-fixtures'

/** The subscribe call, or a failure naming what is missing. */
function subscribeOf(provider: JobProvider): NonNullable<JobProvider['subscribe']> {
  if (!provider.subscribe) throw new Error(`Provider ${provider.name} has no subscribe(); pass { subscribe: false } to the contract`)
  return provider.subscribe.bind(provider)
}

/** Defines the `subscribe` tests. */
export function defineSubscribeContract(scope: ContractScope): void {
  describe('subscribe', () => {
    it('delivers events stored after subscribing, in order, until unsubscribed', async () => {
      const job = await createJob(scope.provider)
      const log = chatLog()
      await appendAccepted(scope.provider, job.id, log.slice(0, 1))
      const received: JobEvent[] = []
      const unsubscribe = subscribeOf(scope.provider)(job.id, events => received.push(...events))
      await scope.flush()

      await appendAccepted(scope.provider, job.id, log.slice(1, 2))
      await appendAccepted(scope.provider, job.id, log.slice(2))
      await scope.flush()
      expect(received).toEqual(log.slice(1))

      unsubscribe()
      await appendAccepted(scope.provider, job.id, [endEvent(4)])
      await scope.flush()
      expect(received).toEqual(log.slice(1))
    })

    it('delivers nothing for a refused append or for another job', async () => {
      const job = await createJob(scope.provider)
      const other = await createJob(scope.provider)
      const received: JobEvent[] = []
      const unsubscribe = subscribeOf(scope.provider)(job.id, events => received.push(...events))
      await scope.flush()

      await scope.provider.appendEvents(job.id, [statusEvent(2)], { epoch: 1 })
      await appendAccepted(scope.provider, other.id, [statusEvent(1)])
      await appendAccepted(scope.provider, job.id, [statusEvent(1)])
      await scope.flush()
      expect(received).toEqual([statusEvent(1)])
      unsubscribe()
    })

    it('gives every subscriber the same events', async () => {
      const job = await createJob(scope.provider)
      const first: JobEvent[] = []
      const second: JobEvent[] = []
      const unsubscribeFirst = subscribeOf(scope.provider)(job.id, events => first.push(...events))
      const unsubscribeSecond = subscribeOf(scope.provider)(job.id, events => second.push(...events))
      await scope.flush()

      await appendAccepted(scope.provider, job.id, [statusEvent(1), textEvent(2, 0, 'Hi')])
      await scope.flush()
      unsubscribeFirst()
      await appendAccepted(scope.provider, job.id, [textEvent(3, 2, '!')])
      await scope.flush()
      expect(first.map(event => event.seq)).toEqual([1, 2])
      expect(second.map(event => event.seq)).toEqual([1, 2, 3])
      unsubscribeSecond()
    })

    it('tells a follower of a job retention deletes that it is gone (onGone), as deleteJob does', async () => {
      const endedAt = START_MS + 1_000
      const expired = await createEndedJob(scope.provider, endedAt)
      const kept = await createEndedJob(scope.provider, endedAt + 10)
      const gone: string[] = []
      const stops = [expired, kept].map(job => subscribeOf(scope.provider)(job.id, () => {}, { afterSeq: 2, onGone: () => gone.push(job.id) }))
      await scope.flush()

      expect(await scope.provider.deleteExpired(endedAt + 1)).toBe(1)
      await scope.flush()
      // Before: a follower on memory heard nothing; one on Redis only at its next catch-up (after a reconnect).
      expect(gone).toEqual([expired.id])
      for (const stop of stops) stop()
    })
  })
}
