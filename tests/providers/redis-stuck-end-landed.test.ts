/**
 * A job's persist queue over a real redis-server (decision 45): the write holding the job's end is
 * given up as stuck, but Redis applied its last try all the same (the call threw after it: a lost
 * reply). The end written alone next is refused as `terminal`; the queue reads back what Redis
 * holds — the same end, of the same seq, status, time and epoch, since Redis keeps an event's JSON
 * as written — and takes it as the job's end. Before, the refusal was a hand-off: nobody on this
 * instance was told the job ended.
 */
import { describe, expect, it } from 'vitest'
import { createPersistQueue } from '../../server/lib/persist-queue'
import type { AppendRefusal, JobProvider } from '../../server/lib/providers/types'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { StuckWriteError } from '../../server/lib/stuck-end-write'
import { createTimerSet } from '../../server/lib/timers'
import { useRedisServer } from '../support/redis-server'
import { createJob, endEvent, textEvent, WRITER_LEASE } from './contract-fixtures'

const redis = useRedisServer()
/** Above 1, so the events carry it (live-job.ts) and the read-back compares it. */
const EPOCH = 3

/** `provider` whose appends holding a `job-end` throw twice, the second time after Redis applied it. */
function landingOnSecondTry(provider: JobProvider): JobProvider {
  let tries = 0
  return Object.assign(Object.create(provider) as JobProvider, {
    async appendEvents(...args: Parameters<JobProvider['appendEvents']>) {
      if (!args[1].some(event => event.type === 'job-end') || tries >= 2) return await provider.appendEvents(...args)
      if (++tries === 2) await provider.appendEvents(...args)
      throw new Error('command timed out')
    },
  })
}

describe('redis: a stuck end write that had landed', () => {
  it('is taken as the job\'s end once the end alone is refused as terminal', async () => {
    const provider = createRedisProvider({ url: redis.url, keyPrefix: 'stuck-end-landed:', onError: () => {} })
    try {
      await provider.ready()
      const { id } = await createJob(provider, { lease: { ...WRITER_LEASE, epoch: EPOCH } })
      const timers = createTimerSet()
      const failed: unknown[] = []
      const refusals: AppendRefusal[] = []
      let answers = 0
      const queue = createPersistQueue({
        provider: landingOnSecondTry(provider),
        jobId: id,
        timers,
        intervalMs: 0,
        bytes: 1024,
        epoch: EPOCH,
        onRefused: reason => refusals.push(reason),
        onError: () => {},
        onFailed: error => failed.push(error),
        // The bound passed at the second failure, the store answering other calls meanwhile.
        stuckEnd: { afterMs: 0, storeAnswers: () => ++answers, now: () => 0 },
      })
      const text = { ...textEvent(1, 0, 'Hello'), epoch: EPOCH }
      const end = { ...endEvent(2), epoch: EPOCH }
      queue.push(text)
      queue.push(end)
      expect(await queue.flush()).toBe('failed')
      expect(failed).toEqual([expect.any(StuckWriteError)])
      // The end run-end.ts writes alone then: `failed`, `store-refused`, after what the store held.
      const alone = { ...endEvent(1, 'failed'), epoch: EPOCH }
      expect(await queue.storeEnd(alone)).toBe('stored')
      expect(queue.ownEndStored).toEqual(end)
      expect(refusals).toEqual([])
      expect(await provider.readEvents(id, 0)).toEqual({ events: [text, end], complete: true })
      expect(await provider.getState(id)).toMatchObject({ status: 'completed', content: 'Hello' })
      queue.close()
      expect(timers.size).toBe(0)
    }
    finally {
      await provider.dispose()
    }
  })
})
