/**
 * A Redis that stops answering with its connection open (paused, `DEBUG SLEEP`, a network that
 * drops packets): each caller gives up after `commandTimeoutMs`, but its command stays queued until
 * Redis answers. The queue is bounded: past `maxPendingCommands` a command fails at once with a 503
 * naming the bound, and only the bounded queue runs once Redis is back.
 */
import { createClient } from 'redis'
import { describe, expect, it } from 'vitest'
import { ProviderUnavailableError } from '../../server/lib/errors'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisServer } from '../support/redis-server'
import { onStandingClock } from '../support/standing-clock'
import { createJob } from './contract-fixtures'

const redis = useRedisServer()

describe('redis provider with a paused Redis', () => {
  it('keeps at most maxPendingCommands waiting: the rest are 503s at once, and Redis runs only the bounded queue late', async () => {
    const provider = createRedisProvider({ url: redis.url, keyPrefix: 'paused:', commandTimeoutMs: 300, healthCheckMs: 0, maxPendingCommands: 100, onError: () => {} })
    const admin = createClient({ url: redis.url })
    try {
      await admin.connect()
      // The provider's checks at connect and the job's creation go through its 300 ms timeout too:
      // on a clock that stands still, Redis kept off a loaded machine's cores cannot fail them.
      // The pause below runs on the real clock.
      const job = await onStandingClock(async () => {
        await provider.ready()
        return await createJob(provider)
      })
      const calls = async () => Number(/cmdstat_hgetall:calls=(\d+)/.exec(await admin.info('commandstats'))?.[1] ?? 0)
      const before = await calls()
      process.kill(redis.pid, 'SIGSTOP')
      let failures: unknown[]
      try {
        failures = await Promise.all(Array.from({ length: 1_000 }, () => provider.get(job.id).then(() => null, (error: unknown) => error)))
      }
      finally {
        process.kill(redis.pid, 'SIGCONT')
      }
      for (const failure of failures) expect(failure).toBeInstanceOf(ProviderUnavailableError)
      const messages = failures.map(failure => (failure as Error).message)
      expect(messages.filter(message => /did not answer HGETALL within 300 ms/.test(message))).toHaveLength(100)
      expect(messages.filter(message => /Redis\) is unavailable: 100 commands already wait for its reply \(maxPendingCommands\)/.test(message))).toHaveLength(900)
      // Once Redis answers the queue drains; a command refused meanwhile never reached Redis.
      let record = null
      for (let attempt = 0; !record && attempt < 1_000; attempt++) {
        record = await provider.get(job.id).catch(async () => {
          await new Promise(resolve => setImmediate(resolve))
          return null
        })
      }
      expect(record?.id).toBe(job.id)
      // The 100 that waited, and the read just now: not the 900 refused.
      expect(await calls() - before).toBe(101)
    }
    finally {
      await admin.close().catch(() => {})
      await provider.dispose()
    }
  })

  it('an unfiltered list reads only as many records as it returns (a reconnect\'s catch-up per user stays small)', async () => {
    const provider = createRedisProvider({ url: redis.url, keyPrefix: 'listed:', onError: () => {} })
    const admin = createClient({ url: redis.url })
    try {
      await provider.ready()
      await admin.connect()
      for (let index = 0; index < 250; index++) await createJob(provider, { userId: 'busy' })
      // A listing reads each record with one HMGET of its listed fields (not its whole request).
      const calls = async () => Number(/cmdstat_hmget:calls=(\d+)/.exec(await admin.info('commandstats'))?.[1] ?? 0)
      const before = await calls()
      expect(await provider.list({ userId: 'busy', limit: 5 })).toHaveLength(5)
      expect(await calls() - before).toBe(5)
      // Filtered lists still page through every job.
      expect(await provider.list({ userId: 'busy', status: ['queued'], limit: 250 })).toHaveLength(250)
    }
    finally {
      await admin.close().catch(() => {})
      await provider.dispose()
    }
  })
})
