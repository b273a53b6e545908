/**
 * A command sent just after the connections dropped, while the client's first attempt to reconnect
 * runs, waits in the client's offline queue. Once that attempt is refused on both connections
 * (Redis is down, not one socket) new commands are a 503 at once (redis-down-fails-fast); the one
 * already waiting is too, instead of holding its caller for the whole command timeout.
 */
import { describe, expect, it } from 'vitest'
import { RedisUnavailableError } from '../../server/lib/providers/redis-client'
import { useRedisServer } from '../support/redis-server'
import { reconnectingRedisProvider } from '../support/redis-reconnecting'

// Far longer than the test's own timeout: a command that waits for it fails the test.
const COMMAND_TIMEOUT_MS = 600_000

const redis = useRedisServer()

describe('redis provider: a command sent while the first reconnect runs', () => {
  it('fails naming the connection error once Redis refuses the reconnect, not after the command timeout', async () => {
    // Both connections are reconnecting, their handshakes held: nothing has failed yet.
    const { proxy, provider } = await reconnectingRedisProvider(redis.url, 'down-queued:', COMMAND_TIMEOUT_MS)
    try {
      let outcome: unknown = 'waiting'
      void provider.get('any-job').then(() => 'answered', (error: unknown) => error).then((settled) => {
        outcome = settled
      })
      // Redis is gone: the held attempts fail and new ones are refused.
      await proxy.close()
      await expect.poll(() => outcome, { timeout: 5_000, interval: 10 }).not.toBe('waiting')
      expect(outcome).toBeInstanceOf(RedisUnavailableError)
      expect((outcome as Error).message).toMatch(/^The job store \(Redis\) is unavailable: /)
    }
    finally {
      await provider.dispose()
      await proxy.close()
    }
  }, 20_000)
})
