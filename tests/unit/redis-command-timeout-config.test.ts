/**
 * The Redis command timeout (`commandTimeoutMs` of createRedisProvider: how long a command waits
 * for Redis before its 503) is set in an app by `redisCommandTimeoutMs` /
 * NUXT_BACKGROUND_JOBS_REDIS_COMMAND_TIMEOUT_MS, as Convex's is by its `…_CONVEX_TIMEOUT_MS`: the
 * layer builds the provider itself, so an option of createRedisProvider alone could not be tuned,
 * although every such 503 named it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { configProblems } from '../../server/lib/config-validate'
import { createProviderFromConfig } from '../../server/lib/providers/create-provider'
import { bootInputWith } from '../support/redis-config-boot'

const created = vi.hoisted(() => [] as unknown[])
vi.mock('../../server/lib/providers/redis', async (importOriginal) =>
  (await import('../support/redis-config-boot')).recordingRedisModule(importOriginal, created))

const VARIABLE = 'NUXT_BACKGROUND_JOBS_REDIS_COMMAND_TIMEOUT_MS'

const bootInput = (value: string) => bootInputWith(VARIABLE, value)
afterEach(() => {
  delete process.env[VARIABLE]
  created.length = 0
})

describe('the Redis command timeout in the runtime config', () => {
  it('reaches the provider from the variable', async () => {
    const config = resolveConfig({ ...bootInput('1500'), provider: 'redis', redisUrl: 'redis://127.0.0.1:6379', cookieSecret: 'c'.repeat(32) })
    expect(configProblems(config)).toEqual([])
    await createProviderFromConfig(config)
    expect(created).toEqual([expect.objectContaining({ commandTimeoutMs: 1500 })])
  })

  it('defaults to 5 s and refuses 0, a negative or a fractional value naming the variable', () => {
    expect(resolveConfig({}).redisCommandTimeoutMs).toBe(5_000)
    expect(configProblems(resolveConfig(bootInput('0'))).join('\n')).toMatch(`backgroundJobs.redisCommandTimeoutMs (${VARIABLE}) must be`)
    expect(configProblems(resolveConfig(bootInput('-1'))).join('\n')).toMatch(`backgroundJobs.redisCommandTimeoutMs (${VARIABLE}) must`)
    expect(configProblems(resolveConfig(bootInput('2.5'))).join('\n')).toMatch(`backgroundJobs.redisCommandTimeoutMs (${VARIABLE}) must be a whole number`)
  })
})
