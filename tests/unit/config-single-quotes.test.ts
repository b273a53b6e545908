/**
 * `docker run --env-file` passes `KEY='value'` on with its single quotes, which Nitro keeps (it
 * takes double quotes off): an API key, metrics token or key prefix written so had the quotes in
 * it — every job failed on the upstream's 401, the metrics route refused its token, every Redis key
 * held the quotes. Text settings are read without them, as with double quotes.
 */
import { applyEnv } from 'nitropack/runtime/internal/utils.env'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG, metricsTokenOf, resolveConfig } from '../../server/lib/config'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { configProblems } from '../../server/lib/config-validate'

const touched: string[] = []
/** The configuration Nitro and the layer read from these variables. */
function configOf(env: Record<string, string>, input?: BackgroundJobsConfigInput) {
  for (const [name, value] of Object.entries(env)) {
    process.env[name] = value
    touched.push(name)
  }
  const runtime = applyEnv({ backgroundJobs: structuredClone({ ...DEFAULT_CONFIG, ...input }) }, { prefix: 'NUXT_', altPrefix: 'NUXT_', envExpansion: false }).backgroundJobs as BackgroundJobsConfigInput
  return resolveConfig(runtime, process.env)
}
afterEach(() => {
  for (const name of touched.splice(0)) delete process.env[name]
})

describe('a setting written in single quotes', () => {
  it('is read without them, as one in double quotes is', () => {
    const config = configOf({
      NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: '\'sk-or-v1-abc\'',
      NUXT_BACKGROUND_JOBS_METRICS_TOKEN: ' \'0123456789abcdef0123\' ',
      NUXT_BACKGROUND_JOBS_PROVIDER: '\'redis\'',
      NUXT_BACKGROUND_JOBS_REDIS_URL: '\'redis://127.0.0.1:6379/2\'',
      NUXT_BACKGROUND_JOBS_INSTANCE_ID: '"pod-1"',
      NUXT_BACKGROUND_JOBS_COOKIE_SECRET: 'c'.repeat(32),
    })
    expect([config.upstream.apiKey, metricsTokenOf(config), config.provider, config.redisUrl, config.instanceId])
      .toEqual(['sk-or-v1-abc', '0123456789abcdef0123', 'redis', 'redis://127.0.0.1:6379/2', 'pod-1'])
    expect(configProblems(config)).toEqual([])
  })

  it('a number or an on/off word in them is read as in double quotes, not refused', () => {
    const input = { NUXT_BACKGROUND_JOBS_LIMITS_MAX_STEPS: '\'5\'', NUXT_BACKGROUND_JOBS_TOOLS_ENABLED: '\'false\'', NUXT_BACKGROUND_JOBS_ALLOW_ANONYMOUS: ' \'off\' ' }
    const config = configOf(input)
    const raw = applyEnv({ backgroundJobs: structuredClone(DEFAULT_CONFIG) }, { prefix: 'NUXT_', altPrefix: 'NUXT_', envExpansion: false }).backgroundJobs
    expect([config.limits.maxSteps, config.tools.enabled, config.allowAnonymous, configProblems(config, { input: raw })]).toEqual([5, false, false, []])
    // A quoted word that is not one still names the variable.
    const bad = configOf({ NUXT_BACKGROUND_JOBS_LIMITS_MAX_STREAMS: '\'10m\'' })
    expect(configProblems(bad)).toEqual([expect.stringContaining('NUXT_BACKGROUND_JOBS_LIMITS_MAX_STREAMS) must be a number, got "\'10m\'"')])
  })

  it('keeps them on the settings that name stored data: a quoted cookie secret or key prefix that worked before keeps its cookies and keys', () => {
    const secret = `'${'c'.repeat(32)}'`
    const config = configOf({
      NUXT_BACKGROUND_JOBS_PROVIDER: 'redis',
      NUXT_BACKGROUND_JOBS_REDIS_URL: 'redis://127.0.0.1:6379/2',
      NUXT_BACKGROUND_JOBS_REDIS_KEY_PREFIX: '\'myapp:\'',
      NUXT_BACKGROUND_JOBS_COOKIE_SECRET: secret,
      NUXT_BACKGROUND_JOBS_COOKIE_SECRET_PREVIOUS: `'${'p'.repeat(32)}'`,
    })
    expect([config.redisKeyPrefix, config.cookieSecret, config.cookieSecretPrevious]).toEqual(['\'myapp:\'', secret, `'${'p'.repeat(32)}'`])
    expect(configProblems(config)).toEqual([])
  })

  it('keeps quotes that are inside the value, or that nuxt.config wrote', () => {
    const config = configOf({ NUXT_BACKGROUND_JOBS_INSTANCE_ID: 'it\'s-1', NUXT_BACKGROUND_JOBS_UPSTREAM_DEFAULT_MODEL: '\'a\'b' }, { metricsToken: '\'from-config-0123456\'' })
    expect([config.instanceId, config.upstream.defaultModel, config.metricsToken]).toEqual(['it\'s-1', '\'a\'b', '\'from-config-0123456\''])
  })
})
