/**
 * dispose() while the connections are down (reconnecting, their handshakes not answered) with a
 * command waiting in the client's offline queue: closing a connection stops its reconnecting, so
 * that command could never be sent nor answered, and a graceful close waited out the whole command
 * timeout for it. A connection that is down is dropped at once, its sockets with it.
 */
import { describe, expect, it } from 'vitest'
import { RedisUnavailableError } from '../../server/lib/providers/redis-client'
import { useRedisServer } from '../support/redis-server'
import { reconnectingRedisProvider } from '../support/redis-reconnecting'

// Far longer than the test's own timeout: a close that waits for it fails the test.
const COMMAND_TIMEOUT_MS = 600_000

const redis = useRedisServer()

describe('redis provider: dispose while the connections are down', () => {
  it('returns at once, failing the command that waited to be sent and leaving no socket open', async () => {
    const { proxy, provider } = await reconnectingRedisProvider(redis.url, 'dispose-down:', COMMAND_TIMEOUT_MS)
    let disposed = false
    try {
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
