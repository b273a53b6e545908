/**
 * Redis down after boot (stopped, restarting, its host gone with a reset): once the client's
 * attempt to reconnect failed, a command is a 503 at once naming why (`connect ECONNREFUSED …`),
 * not a wait of the whole command timeout in the client's offline queue — during an outage every
 * request held its socket for 5 s and the queue grew with each — and the provider serves again by
 * itself once Redis is back.
 */
import { describe, expect, it } from 'vitest'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { RedisUnavailableError } from '../../server/lib/providers/redis-client'
import { useRedisServer } from '../support/redis-server'

// Far longer than the test's own timeout: a command that waits for it fails the test.
const COMMAND_TIMEOUT_MS = 120_000

const redis = useRedisServer()

describe('redis provider: Redis down after boot', () => {
  it('fails commands at once naming the connection error once a reconnect failed, and serves again when Redis is back', { timeout: 30_000 }, async () => {
    const errors: unknown[] = []
    const provider = createRedisProvider({ url: redis.url, keyPrefix: 'down:', commandTimeoutMs: COMMAND_TIMEOUT_MS, onError: error => errors.push(error) })
    try {
      await provider.ready()
      await redis.stop()
      // Once attempts to reconnect are refused on both connections, a command fails at once (one
      // sent before, waiting in the offline queue, fails then too: redis-down-queued-command).
      let refused: unknown = null
      await expect.poll(async () => {
        refused = await Promise.race([provider.get('any-job').then(() => null, (error: unknown) => error), new Promise(resolve => setTimeout(resolve, 100, null))])
        return refused
      }, { timeout: 10_000, interval: 20 }).not.toBeNull()
      // Reported once per drop of each connection, not at every refused attempt (docs/logs.md).
      expect(errors.length).toBeLessThanOrEqual(2)
      expect(refused).toBeInstanceOf(RedisUnavailableError)
      expect((refused as Error).message).toMatch(/The job store \(Redis\) is unavailable: connect ECONNREFUSED/)
      expect((refused as RedisUnavailableError).statusCode).toBe(503)

      await redis.start()
      await expect.poll(async () => await provider.get('any-job').then(record => record, () => 'refused'), { timeout: 10_000, interval: 50 }).toBeNull()
    }
    finally {
      await provider.dispose()
    }
  })
})
