/**
 * A connection that drops after Redis ran the create script but before its reply arrived: the
 * caller is told 503 (nothing started), so the job Redis stored must not stay queued, leased,
 * counted as active and later be handed to recovery — it ends `failed` once Redis answers again,
 * as a create that answered after its deadline does (redis-late-create.test.ts).
 */
import { describe, expect, it } from 'vitest'
import { ProviderUnavailableError } from '../../server/lib/errors'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisServer } from '../support/redis-server'
import { createJob, newJob, START_MS } from './contract-fixtures'
import { startReplyDroppingProxy } from '../support/redis-reply-dropping-proxy'

const redis = useRedisServer()

describe('redis provider: the connection drops between running the create script and its reply', () => {
  it('a creation the caller was refused (503) is not left queued, active and leased for recovery to run', async () => {
    const proxy = await startReplyDroppingProxy(redis.url)
    let clock = START_MS
    const provider = createRedisProvider({ url: proxy.url, keyPrefix: 'drop-mid-create:', storeClock: () => clock, onError: () => {} })
    try {
      await provider.ready()
      // The script is loaded (EVALSHA), so the next create is one command.
      await createJob(provider, { userId: 'other-user' })
      proxy.arm()
      const job = newJob({ userId: 'dropped-user', lease: { instanceId: 'gave-up', epoch: 1, expiresAt: START_MS + 60_000 } })
      const refused = await provider.create(job, { leaseMs: 60_000 }).then(() => null, (error: unknown) => error)
      expect(refused).toBeInstanceOf(ProviderUnavailableError)

      // The client reconnects by itself. The job the caller was told failed, once its lease lapsed:
      clock += 61_000
      await expect.poll(async () => ({
        status: (await provider.get(job.id).catch(() => null))?.status,
        activeOfUser: await provider.countActive({ userId: 'dropped-user' }).catch(() => null),
        expiredLeases: (await provider.listExpiredLeases().catch(() => [])).map(record => record.id),
      }), { timeout: 2_000, interval: 50 }).toEqual({ status: 'failed', activeOfUser: 0, expiredLeases: [] })
    }
    finally {
      await provider.dispose()
      await proxy.close()
    }
  })
})
