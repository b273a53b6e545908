/**
 * dispose() while the connections are down (reconnecting, their handshakes not answered) with a
 * command waiting in the client's offline queue: closing a connection stops its reconnecting, so
 * that command could never be sent nor answered, and a graceful close waited out the whole command
 * timeout for it. A connection that is down is dropped at once, its sockets with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { RedisUnavailableError } from '../../server/lib/providers/redis-client'
import type { RedisServer } from '../support/redis-server'
import { startRedisServer } from '../support/redis-server'
import { startRedisPartitionProxy } from '../support/redis-partition-proxy'

// Far longer than the test's own timeout: a close that waits for it fails the test.
const COMMAND_TIMEOUT_MS = 600_000

let redis: RedisServer
beforeAll(async () => {
  redis = await startRedisServer()
})
afterAll(async () => {
  await redis?.stop()
})

describe('redis provider: dispose while the connections are down', () => {
  it('returns at once, failing the command that waited to be sent and leaving no socket open', async () => {
    const proxy = await startRedisPartitionProxy(redis.url)
    const provider = createRedisProvider({ url: proxy.url, keyPrefix: 'dispose-down:', commandTimeoutMs: COMMAND_TIMEOUT_MS, healthCheckMs: 0, onError: () => {} })
    let disposed = false
    try {
      await provider.ready()
      const before = proxy.accepted
      proxy.blackholeNew(true)
      proxy.drop()
      // Both connections are reconnecting, their handshakes held.
      await expect.poll(() => proxy.accepted, { timeout: 5_000, interval: 10 }).toBeGreaterThanOrEqual(before + 2)
      const waiting = provider.get('any-job').then(() => 'answered', (error: unknown) => error)
      void provider.dispose().then(() => {
        disposed = true
      })
      await expect.poll(() => disposed, { timeout: 5_000, interval: 10 }).toBe(true)
      expect(await waiting).toBeInstanceOf(RedisUnavailableError)
      await expect.poll(() => proxy.open, { timeout: 5_000, interval: 10 }).toBe(0)
    }
    finally {
      if (!disposed) void provider.dispose()
      await proxy.close()
    }
  }, 20_000)
})
