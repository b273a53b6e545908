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
import { onStandingClock } from '../support/standing-clock'
import { createJob } from './contract-fixtures'

const redis = useRedisServer()

describe('redis provider: a reconnect whose handshake is never answered', () => {
  it('is given up and tried again: commands are answered once new connections work', async () => {
    const proxy = await startRedisPartitionProxy(redis.url)
    const provider = createRedisProvider({ url: proxy.url, keyPrefix: 'stuck-reconnect:', commandTimeoutMs: 200, healthCheckMs: 100, onError: () => {} })
    try {
      // Its checks at connect and the job's creation go through the 200 ms timeout too: on a clock
      // that stands still, Redis kept off a loaded machine's cores cannot fail them. The two
      // connections' health checks start on that clock and so never probe: they probe only ready
      // connections anyway, and this test is about connections stuck before ready. What it guards,
      // the sockets' silence timeout set from healthCheckMs (a socket timer), and the reconnects
      // run on the real clock.
      const job = await onStandingClock(async () => {
        await provider.ready()
        return await createJob(provider)
      }, 2)
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
