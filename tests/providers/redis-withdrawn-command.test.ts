/**
 * A command that is still waiting to be written when its deadline passes (the connection dropped
 * and its replacement is not ready yet, so the client holds it in its offline queue): the caller
 * gets its 503, and the command is withdrawn — it never runs once the connection is back, so a
 * caller told "unavailable" never finds its write applied later. A command already on the socket
 * is not withdrawn (Redis has it): that case is the paused-Redis test in redis.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { connectRedis, RedisUnavailableError } from '../../server/lib/providers/redis-client'
import { startRedisPartitionProxy } from '../support/redis-partition-proxy'
import { useRedisServer } from '../support/redis-server'

const redis = useRedisServer()

describe('redis commands past their deadline', () => {
  it('withdraws a command still unsent at its deadline; the commands after it go through once the connection is back', async () => {
    const proxy = await startRedisPartitionProxy(redis.url)
    const connection = await connectRedis({ url: proxy.url, commandTimeoutMs: 300, onError: () => {} })
    try {
      const key = `withdrawn-${process.pid}`
      await connection.command(['DEL', key, `${key}-kept`])
      // Cut off, then dropped: the client reconnects to the proxy, but its handshake waits there,
      // so it is never ready and holds every command unwritten.
      proxy.partition()
      const before = proxy.accepted
      proxy.drop()
      // Both connections (commands, pub/sub) are connecting again: from now on commands queue.
      await expect.poll(() => proxy.accepted, { timeout: 10_000, interval: 10 }).toBe(before + 2)
      const failure = await connection.command(['SET', key, 'late']).then(() => null, (error: unknown) => error)
      // A 503 that says why: the command could not even be sent.
      expect(failure).toBeInstanceOf(RedisUnavailableError)
      expect(failure).toMatchObject({ statusCode: 503, retryAfterSeconds: 5, message: 'The job store (Redis) is unavailable: the connection is down: SET waited 300 ms to be sent; retry shortly' })
      // Back: the handshake goes through and the queue is written — without the withdrawn SET.
      proxy.heal()
      await expect.poll(() => connection.command(['SET', `${key}-kept`, 'now']).then(() => 'stored', () => 'refused'), { timeout: 10_000, interval: 50 }).toBe('stored')
      expect(await connection.command(['GET', `${key}-kept`])).toBe('now')
      expect(await connection.command(['EXISTS', key])).toBe(0)
    }
    finally {
      await connection.close()
      await proxy.close()
    }
  })
})
