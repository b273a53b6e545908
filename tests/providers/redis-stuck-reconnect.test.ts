/**
 * A reconnect whose handshake Redis never answers (the connection dropped, and the new one opened
 * into a flow that died at once, or a proxy in front of Redis holding it for a gone backend): the
 * client waited "connecting" for good — the half-open check probes only ready connections and
 * node-redis has no handshake timeout — so every command was a 503 although a new connection would
 * work. A socket silent for longer than the health check could ever leave a live one (its PINGs
 * are written every interval) is dropped, and the client connects again by itself.
 */
import { describe, expect, it } from 'vitest'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisServer } from '../support/redis-server'
import { startRedisPartitionProxy } from '../support/redis-partition-proxy'
import { createJob } from './contract-fixtures'

const redis = useRedisServer()

describe('redis provider: a reconnect whose handshake is never answered', () => {
  it('is given up and tried again: commands are answered once new connections work', async () => {
    const proxy = await startRedisPartitionProxy(redis.url)
    const provider = createRedisProvider({ url: proxy.url, keyPrefix: 'stuck-reconnect:', commandTimeoutMs: 200, healthCheckMs: 100, onError: () => {} })
    try {
      await provider.ready()
      const job = await createJob(provider)
      const before = proxy.accepted
      proxy.blackholeNew(true)
      proxy.drop()
      // Both connections came back into a handshake nobody answers.
      await expect.poll(() => proxy.accepted, { timeout: 5_000, interval: 10 }).toBeGreaterThanOrEqual(before + 2)
      proxy.blackholeNew(false)
      await expect.poll(() => provider.get(job.id).then(record => record?.id, () => null), { timeout: 8_000, interval: 50 }).toBe(job.id)
    }
    finally {
      await provider.dispose()
      await proxy.close()
    }
  }, 20_000)
})
