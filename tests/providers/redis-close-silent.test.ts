/**
 * Disposing the provider while a command still waits for Redis's reply (a half-open connection, a
 * paused Redis): the graceful close waits at most one command timeout and then drops the sockets,
 * so nothing keeps the process alive nor holds a connection open after `dispose()`.
 */
import { describe, expect, it } from 'vitest'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisServer } from '../support/redis-server'
import { startRedisPartitionProxy } from '../support/redis-partition-proxy'
import { onStandingClock } from '../support/standing-clock'
import { createJob } from './contract-fixtures'

const redis = useRedisServer()

describe('redis provider: dispose while a reply never comes', () => {
  it('closes both connections once the graceful close timed out', async () => {
    // The job is made on a connection of its own, with the default command timeout: through the
    // provider under test (100 ms per command) its several commands failed with "did not answer"
    // on a loaded machine, before the test got to the silence it is about.
    const direct = createRedisProvider({ url: redis.url, keyPrefix: 'close-silent:', onError: () => {} })
    const job = await createJob(direct).finally(() => direct.dispose())
    const proxy = await startRedisPartitionProxy(redis.url)
    const provider = createRedisProvider({ url: proxy.url, keyPrefix: 'close-silent:', commandTimeoutMs: 100, healthCheckMs: 0, onError: () => {} })
    try {
      // Connected on a clock that stands still (its checks at connect go through the 100 ms timeout
      // too); the silence below runs on the real clock: a command is written in a setImmediate,
      // before its timeout can fire.
      await onStandingClock(() => provider.ready())
      expect(proxy.open).toBe(2)
      proxy.blackhole()
      // Its caller is told 503; the GET stays queued on the connection, waiting for a reply.
      await expect(provider.get(job.id)).rejects.toThrow(/did not answer/)
      await provider.dispose()
      await expect.poll(() => proxy.open, { interval: 10 }).toBe(0)
    }
    finally {
      // Idempotent; on a failure above, its timers and sockets must not outlive the file.
      await provider.dispose()
      await proxy.close()
    }
  })
})
