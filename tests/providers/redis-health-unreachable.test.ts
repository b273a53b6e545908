/**
 * The health route on Redis (decision 037): `ok` while Redis answers its PING, `provider-unreachable`
 * (a 503 the balancer reads) once Redis is stopped — within the ping's deadline, not the command
 * timeout — and `ok` again once it is back, with no restart of the instance.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { setBackgroundJobsEngine } from '../../server/lib/engine-instance'
import { createStorePing, readiness } from '../../server/lib/health'
import { createRedisEngines } from '../support/redis-engines'
import { useRedisServer } from '../support/redis-server'

const redis = useRedisServer()
const engines = createRedisEngines()

afterAll(async () => {
  setBackgroundJobsEngine(null)
  await engines.stopAll()
})

describe('the health route on Redis', () => {
  it('is ok while Redis answers, provider-unreachable once it is stopped, ok again once it is back', { timeout: 30_000 }, async () => {
    const { engine } = await engines.start({ url: redis.url, keyPrefix: 'health:', instanceId: 'health-a' })
    setBackgroundJobsEngine({ get: async () => engine, peek: () => ({ phase: 'started', value: engine }) })
    // No cache: every readiness pings (the route's cache is health-store-ping's concern).
    const answers = createStorePing({ cacheMs: 0 })
    expect(await readiness(answers)).toBe('ok')

    await redis.stop()
    expect(await readiness(answers)).toBe('provider-unreachable')

    await redis.start()
    await expect.poll(() => readiness(answers), { timeout: 10_000, interval: 50 }).toBe('ok')
  })
})
