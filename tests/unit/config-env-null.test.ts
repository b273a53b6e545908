/**
 * A `NUXT_BACKGROUND_JOBS_*` variable set to `null` or `undefined` (a template that renders a
 * missing value so) is read by Nitro's applyEnv as no value: the setting kept its default, with
 * nothing said. The boot stops naming the variable. Fed through Nitro's own applyEnv.
 */
import { applyEnv } from 'nitropack/runtime/internal/utils.env'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG, resolveConfig } from '../../server/lib/config'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { assertValidConfig } from '../../server/lib/config-validate'

const touched: string[] = []
/** The runtime config as Nitro builds it at boot from these variables, and what the boot check says. */
function boot(env: Record<string, string>): { config: ReturnType<typeof resolveConfig>, error: string | null } {
  for (const [name, value] of Object.entries(env)) {
    process.env[name] = value
    touched.push(name)
  }
  const input = applyEnv({ backgroundJobs: structuredClone(DEFAULT_CONFIG) }, { prefix: 'NUXT_', altPrefix: 'NUXT_', envExpansion: false }).backgroundJobs as BackgroundJobsConfigInput
  const config = resolveConfig(input, process.env)
  try {
    assertValidConfig(config, input, process.env)
    return { config, error: null }
  }
  catch (error) {
    return { config, error: (error as Error).message }
  }
}
afterEach(() => {
  for (const name of touched.splice(0)) delete process.env[name]
})

describe('a variable Nitro reads as no value', () => {
  it('stops the boot naming a setting\'s variable set to null or undefined', () => {
    const { config, error } = boot({ NUXT_BACKGROUND_JOBS_LIMITS_MAX_CONCURRENT_JOBS: 'null', NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: 'undefined' })
    // What Nitro made of them: the defaults, silently.
    expect([config.limits.maxConcurrentJobs, config.upstream.apiKey]).toEqual([200, ''])
    expect(error ?? 'no boot error').toContain('NUXT_BACKGROUND_JOBS_LIMITS_MAX_CONCURRENT_JOBS is "null", which Nitro reads as no value')
    expect(error ?? 'no boot error').toContain('NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY is "undefined"')
  })

  it('stops the boot for a boolean set to null (the kill switch left on)', () => {
    const { config, error } = boot({ NUXT_BACKGROUND_JOBS_ENABLED: ' NULL ' })
    expect(config.enabled).toBe(true)
    expect(error ?? 'no boot error').toContain('NUXT_BACKGROUND_JOBS_ENABLED is "NULL", which Nitro reads as no value: its setting would silently keep its default')
  })

  it('leaves a quoted "null" (text), a group set to null (merged as empty) and ordinary values alone', () => {
    const { config, error } = boot({ NUXT_BACKGROUND_JOBS_INSTANCE_ID: '"null"', NUXT_BACKGROUND_JOBS_LIMITS: 'null', NUXT_BACKGROUND_JOBS_LIMITS_MAX_STEPS: '3' })
    expect([config.instanceId, config.limits.maxSteps, error]).toEqual(['null', 3, null])
  })
})

describe('a variable Nitro reads as no value, whose default is itself a problem', () => {
  it('is named once, not a second time for the empty default it left (NUXT_BACKGROUND_JOBS_REDIS_URL=null)', () => {
    const { error } = boot({ NUXT_BACKGROUND_JOBS_PROVIDER: 'redis', NUXT_BACKGROUND_JOBS_REDIS_URL: 'null', NUXT_BACKGROUND_JOBS_COOKIE_SECRET: 'x'.repeat(32) })
    const lines = (error ?? '').split('\n').filter(line => line.includes('NUXT_BACKGROUND_JOBS_REDIS_URL'))
    expect(lines).toEqual([expect.stringContaining('NUXT_BACKGROUND_JOBS_REDIS_URL is "null", which Nitro reads as no value')])
  })

  it('still names every other problem', () => {
    const { error } = boot({ NUXT_BACKGROUND_JOBS_PROVIDER: 'redis', NUXT_BACKGROUND_JOBS_COOKIE_SECRET: 'null', NUXT_BACKGROUND_JOBS_LIMITS_MAX_STEPS: '-1' })
    const problems = (error ?? '').split('\n').slice(1)
    expect(problems).toEqual([
      expect.stringContaining('NUXT_BACKGROUND_JOBS_COOKIE_SECRET is "null"'),
      expect.stringContaining('backgroundJobs.limits.maxSteps (NUXT_BACKGROUND_JOBS_LIMITS_MAX_STEPS) must not be negative'),
      expect.stringContaining('backgroundJobs.redisUrl (NUXT_BACKGROUND_JOBS_REDIS_URL) is required'),
    ])
  })
})

describe('a JSON null inside a group variable', () => {
  it('stops the boot naming the key and its group variable, where it kept the default', () => {
    const { config, error } = boot({ NUXT_BACKGROUND_JOBS_LIMITS: '{"maxSteps":null,"maxMessages":50}', NUXT_BACKGROUND_JOBS: '{"metricsToken":null}' })
    // What Nitro and the defaults made of them: the defaults, silently (maxMessages shows the group was read).
    expect([config.limits.maxSteps, config.limits.maxMessages, config.metricsToken]).toEqual([10, 50, ''])
    expect(error ?? 'no boot error').toContain('backgroundJobs.limits.maxSteps (NUXT_BACKGROUND_JOBS_LIMITS_MAX_STEPS) is null in the JSON of NUXT_BACKGROUND_JOBS_LIMITS')
    expect(error ?? 'no boot error').toContain('backgroundJobs.metricsToken (NUXT_BACKGROUND_JOBS_METRICS_TOKEN) is null in the JSON of NUXT_BACKGROUND_JOBS')
  })

  it('is no problem once the key\'s own variable gives it a value', () => {
    const { config, error } = boot({ NUXT_BACKGROUND_JOBS_LIMITS: '{"maxSteps":null}', NUXT_BACKGROUND_JOBS_LIMITS_MAX_STEPS: '4' })
    expect([config.limits.maxSteps, error]).toEqual([4, null])
  })
})

describe('a JSON null inside a group variable, whose default is itself a problem', () => {
  it('is named once (NUXT_BACKGROUND_JOBS=\'{"redisUrl":null}\' with the provider redis)', () => {
    const { error } = boot({ NUXT_BACKGROUND_JOBS: '{"provider":"redis","redisUrl":null}', NUXT_BACKGROUND_JOBS_COOKIE_SECRET: 'x'.repeat(32) })
    expect((error ?? '').split('\n').slice(1)).toEqual([expect.stringContaining('backgroundJobs.redisUrl (NUXT_BACKGROUND_JOBS_REDIS_URL) is null in the JSON of NUXT_BACKGROUND_JOBS,')])
  })
})
