/**
 * A Redis older than 6.2 (still the default of some managed services and distributions): the
 * provider's lists use `ZRANGE … BYSCORE REV`, its scripts `ZADD … GT`, its boot `GETDEL`, all
 * added in 6.2. Before, the boot went through and then every job listing failed with a bare
 * `ERR syntax error` and every creation with a script error after writing half of the job (a 500
 * each). The boot now fails naming the version found and the one needed, retried like an
 * unreachable Redis (an upgrade under way). The old server is the real one seen through a proxy
 * that reports it as 6.0 in `INFO` (same length, so the reply stays well formed).
 */
import { describe, expect, it, onTestFinished } from 'vitest'
import { StoreUnreachableError } from '../../server/lib/errors'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisServer } from '../support/redis-server'
import { startTcpProxy } from '../support/tcp-proxy'

const redis = useRedisServer()

/** A proxy to `target` whose replies say `redis_version:6.0.<same number of digits>`. */
async function startOldVersionProxy(target: string): Promise<string> {
  const proxy = await startTcpProxy(target, {
    fromUpstream: chunk => chunk.toString('latin1').replace(/redis_version:\d+\.\d+\.(\d+)/, (_, patch: string) => `redis_version:6.0.${'1'.repeat(patch.length)}`),
  })
  onTestFinished(proxy.close)
  return `redis://127.0.0.1:${proxy.port}`
}

describe('redis provider on a Redis older than 6.2', () => {
  it('fails the boot naming the version found and the one needed, retried like an unreachable Redis', async () => {
    const url = await startOldVersionProxy(redis.url)
    const provider = createRedisProvider({ url, keyPrefix: 'old:', onError: () => {}, onWarning: () => {} })
    try {
      const error = await provider.ready().then(() => null, (failure: unknown) => failure)
      expect(error).toBeInstanceOf(StoreUnreachableError)
      expect((error as Error).message).toMatch(/^NUXT_BACKGROUND_JOBS_REDIS_URL \(redis:\/\/127\.0\.0\.1:\d+\) reaches Redis 6\.0\.1+, older than the 6\.2 the redis provider needs/)
    }
    finally {
      await provider.dispose()
    }
  })
})
