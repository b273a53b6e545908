/**
 * The half-open probe of the Redis connections (`healthCheckMs` of createRedisProvider, a PING per
 * connection every 5 s) is set in an app by `redisHealthCheckMs` /
 * NUXT_BACKGROUND_JOBS_REDIS_HEALTH_CHECK_MS: the layer builds the provider itself, so an option of
 * createRedisProvider alone could be neither tuned nor turned off (0).
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { configProblems } from '../../server/lib/config-validate'
import { createProviderFromConfig } from '../../server/lib/providers/create-provider'
import { bootInputWith } from '../support/redis-config-boot'

const created = vi.hoisted(() => [] as unknown[])
vi.mock('../../server/lib/providers/redis', async (importOriginal) =>
  (await import('../support/redis-config-boot')).recordingRedisModule(importOriginal, created))

const VARIABLE = 'NUXT_BACKGROUND_JOBS_REDIS_HEALTH_CHECK_MS'

const bootInput = (value: string) => bootInputWith(VARIABLE, value)
afterEach(() => {
  delete process.env[VARIABLE]
  created.length = 0
})

describe('the Redis health check in the runtime config', () => {
  it('reaches the provider from the variable, 0 (off) included', async () => {
    const config = resolveConfig({ ...bootInput('0'), provider: 'redis', redisUrl: 'redis://127.0.0.1:6379', cookieSecret: 'c'.repeat(32) })
    expect(configProblems(config)).toEqual([])
    await createProviderFromConfig(config)
    expect(created).toEqual([expect.objectContaining({ healthCheckMs: 0 })])
  })

  it('defaults to 5 s and refuses a negative or fractional value naming the variable', () => {
    expect(resolveConfig({}).redisHealthCheckMs).toBe(5_000)
    expect(configProblems(resolveConfig(bootInput('-1'))).join('\n')).toMatch(`backgroundJobs.redisHealthCheckMs (${VARIABLE}) must not be negative`)
    expect(configProblems(resolveConfig(bootInput('2.5'))).join('\n')).toMatch(`backgroundJobs.redisHealthCheckMs (${VARIABLE}) must be a whole number`)
  })
})
