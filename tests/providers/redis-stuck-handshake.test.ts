/**
 * A Redis that accepts the connection but never answers its handshake (a TCP proxy or load
 * balancer in front of Redis whose backend is gone, a hung host, a flow dropped right after it
 * opened): the connect timeout covered only the TCP connection, so `ready()` at boot waited for
 * ever — and every request waited on that boot attempt, instead of the documented 503. The first
 * connection is bounded as a whole: past `connectTimeoutMs` the boot fails naming the URL (and
 * the engine tries again, as for an unreachable Redis).
 */
import { describe, expect, it } from 'vitest'
import { StoreUnreachableError } from '../../server/lib/errors'
import { connectRedis } from '../../server/lib/providers/redis-client'
import { useRedisServer } from '../support/redis-server'
import { startRedisPartitionProxy } from '../support/redis-partition-proxy'

const redis = useRedisServer()

describe('redis provider: a handshake that never gets an answer at boot', () => {
  it('fails the boot after connectTimeoutMs naming the URL, and leaves no connection open', async () => {
    const proxy = await startRedisPartitionProxy(redis.url)
    try {
      proxy.blackholeNew(true)
      let outcome: unknown = 'still waiting'
      void connectRedis({ url: proxy.url, connectTimeoutMs: 200, healthCheckMs: 0, onError: () => {} }).then(async (connection) => {
        outcome = 'connected'
        await connection.close()
      }, (error: unknown) => {
        outcome = error
      })
      await expect.poll(() => outcome, { timeout: 10_000, interval: 20 }).toBeInstanceOf(StoreUnreachableError)
      expect(String((outcome as Error).message)).toMatch(/could not reach Redis at redis:\/\/127\.0\.0\.1:\d+ \(NUXT_BACKGROUND_JOBS_REDIS_URL\): .*handshake.* 200 ms/)
      await expect.poll(() => proxy.open, { timeout: 10_000, interval: 10 }).toBe(0)
    }
    finally {
      await proxy.close()
    }
  })
})
