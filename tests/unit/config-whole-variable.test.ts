/**
 * `NUXT_BACKGROUND_JOBS` itself (not one of its `NUXT_BACKGROUND_JOBS_*` keys) set to a scalar:
 * Nitro's applyEnv puts the scalar in place of the whole `backgroundJobs` object. Fed through
 * Nitro's own applyEnv, as the server boots.
 */
import { applyEnv } from 'nitropack/runtime/internal/utils.env'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG, resolveConfig } from '../../server/lib/config'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { configProblems } from '../../server/lib/config-validate'
import { unknownEnvNameWarnings } from '../../server/lib/config-env-names'

const touched: string[] = []
/** The app's runtime config (Redis, a limit) with these variables applied, as Nitro does at boot. */
function bootInput(env: Record<string, string>): unknown {
  for (const [name, value] of Object.entries(env)) {
    process.env[name] = value
    touched.push(name)
  }
  const app = { ...structuredClone(DEFAULT_CONFIG), provider: 'redis', redisUrl: 'redis://cache:6379', cookieSecret: 'c'.repeat(40) }
  app.limits.maxConcurrentJobsPerUser = 3
  return applyEnv({ backgroundJobs: app }, { prefix: 'NUXT_', altPrefix: 'NUXT_', envExpansion: false }).backgroundJobs
}
afterEach(() => {
  for (const name of touched.splice(0)) delete process.env[name]
})

describe('NUXT_BACKGROUND_JOBS set to a scalar', () => {
  it.each(['false', 'off', '0'])('NUXT_BACKGROUND_JOBS=%s stops the boot naming it, instead of running on the defaults with everything else dropped', (value) => {
    const input = bootInput({ NUXT_BACKGROUND_JOBS: value, NUXT_BACKGROUND_JOBS_LIMITS_MAX_CONCURRENT_JOBS: '7' })
    expect(configProblems(resolveConfig(input as BackgroundJobsConfigInput), { input })).toEqual([
      expect.stringMatching(/^backgroundJobs \(NUXT_BACKGROUND_JOBS\) must be a group of settings \(a JSON object\), got .*NUXT_BACKGROUND_JOBS_ENABLED=false switches the layer off\)$/),
    ])
  })

  it('unset, null or a JSON object is no problem', () => {
    const envs: Record<string, string>[] = [{}, { NUXT_BACKGROUND_JOBS: 'null' }, { NUXT_BACKGROUND_JOBS: '{"enabled":false}' }]
    for (const env of envs) {
      const input = bootInput(env)
      expect(configProblems(resolveConfig(input as BackgroundJobsConfigInput), { input })).toEqual([])
    }
  })
})

describe('NUXT_BACKGROUND_JOBS holding a group', () => {
  it('warns that the group is replaced whole, naming the variables of its other keys that go unread', () => {
    const env = { NUXT_BACKGROUND_JOBS: '{"enabled":true,"limits":{"maxSteps":3}}', NUXT_BACKGROUND_JOBS_LIMITS_MAX_CONCURRENT_JOBS: '7' }
    const config = resolveConfig(bootInput(env) as BackgroundJobsConfigInput)
    // What Nitro makes of it: the app's per-user limit (3) and the variable (7) are both gone.
    expect([config.limits.maxSteps, config.limits.maxConcurrentJobsPerUser, config.limits.maxConcurrentJobs]).toEqual([3, 10, 200])
    expect(unknownEnvNameWarnings(env)).toEqual([
      'NUXT_BACKGROUND_JOBS sets backgroundJobs.limits as a whole: it replaces the group, so the group\'s other settings from nuxt.config are dropped (their defaults apply) and the variables of the keys it leaves out are not read (NUXT_BACKGROUND_JOBS_LIMITS_MAX_CONCURRENT_JOBS is set and ignored); set NUXT_BACKGROUND_JOBS_LIMITS instead, whose keys are merged; see docs/config.md',
    ])
  })

  it('says nothing for top-level settings only, or a group set with its own variable', () => {
    expect(unknownEnvNameWarnings({ NUXT_BACKGROUND_JOBS: '{"enabled":false}' })).toEqual([])
    // A group given with every key replaces nothing that would be missed.
    expect(unknownEnvNameWarnings({ NUXT_BACKGROUND_JOBS: JSON.stringify({ lease: DEFAULT_CONFIG.lease }) })).toEqual([])
    const env = { NUXT_BACKGROUND_JOBS_LIMITS: '{"maxSteps":3}', NUXT_BACKGROUND_JOBS_LIMITS_MAX_CONCURRENT_JOBS: '7' }
    const config = resolveConfig(bootInput(env) as BackgroundJobsConfigInput)
    expect([config.limits.maxSteps, config.limits.maxConcurrentJobsPerUser, config.limits.maxConcurrentJobs]).toEqual([3, 3, 7])
    expect(unknownEnvNameWarnings(env)).toEqual([])
  })
})
