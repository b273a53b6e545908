/**
 * A call on the provider after `dispose()` (a request still being served while the server shuts
 * down, a timer that fires late): the provider connected again, lazily as at boot, and nothing
 * would ever close those connections — two sockets holding the process open after its shutdown.
 * Now such a call is a 503 (ShuttingDownError) and opens no connection.
 */
import { describe, expect, it } from 'vitest'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { ShuttingDownError } from '../../server/lib/errors'
import { useRedisServer } from '../support/redis-server'
import { startRedisPartitionProxy } from '../support/redis-partition-proxy'

const redis = useRedisServer()

describe('redis provider: a call after dispose', () => {
  it('is refused and opens no connection', async () => {
    const proxy = await startRedisPartitionProxy(redis.url)
    const provider = createRedisProvider({ url: proxy.url, keyPrefix: 'after-dispose:', onError: () => {} })
    try {
      await provider.ready()
      expect(await provider.get('any-job')).toBeNull()
      await provider.dispose()
      await expect.poll(() => proxy.open, { timeout: 5_000, interval: 10 }).toBe(0)
      const accepted = proxy.accepted
      await expect(provider.get('any-job')).rejects.toBeInstanceOf(ShuttingDownError)
      await expect(provider.ready()).rejects.toBeInstanceOf(ShuttingDownError)
      expect(proxy.accepted - accepted).toBe(0)
      expect(proxy.open).toBe(0)
    }
    finally {
      await provider.dispose()
      await proxy.close()
    }
  })
})
