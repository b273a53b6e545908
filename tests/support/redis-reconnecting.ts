/**
 * A Redis provider behind a partition proxy whose connections were dropped and are reconnecting,
 * their handshakes held (the proxy accepts new connections and then says nothing): nothing has
 * failed yet. For tests of what a command or a dispose() does while Redis is down. The caller
 * disposes the provider and closes the proxy.
 */
import { expect } from 'vitest'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { startRedisPartitionProxy } from './redis-partition-proxy'

/** The provider on `redisUrl` (through a proxy) with both connections reconnecting. */
export async function reconnectingRedisProvider(redisUrl: string, keyPrefix: string, commandTimeoutMs: number) {
  const proxy = await startRedisPartitionProxy(redisUrl)
  const provider = createRedisProvider({ url: proxy.url, keyPrefix, commandTimeoutMs, healthCheckMs: 0, onError: () => {} })
  try {
    await provider.ready()
    const before = proxy.accepted
    proxy.blackholeNew(true)
    proxy.drop()
    // Both connections are reconnecting, their handshakes held.
    await expect.poll(() => proxy.accepted, { timeout: 5_000, interval: 10 }).toBeGreaterThanOrEqual(before + 2)
  }
  catch (error) {
    void provider.dispose()
    await proxy.close()
    throw error
  }
  return { proxy, provider }
}
