/**
 * `NUXT_BACKGROUND_JOBS_REDIS_KEY_PREFIX=` (empty: a template with the value missing, or an
 * operator who meant "no prefix") booted on the default `bgjobs:` with nothing said, so two apps
 * each given an empty prefix to keep apart on one Redis shared every job. The boot now stops
 * naming the variable. Fed through Nitro's own applyEnv, as at boot.
 */
import { applyEnv } from 'nitropack/runtime/internal/utils.env'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG, resolveConfig } from '../../server/lib/config'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { configProblems } from '../../server/lib/config-validate'

const env = {
  NUXT_BACKGROUND_JOBS_PROVIDER: 'redis',
  NUXT_BACKGROUND_JOBS_REDIS_URL: 'redis://127.0.0.1:6379',
  NUXT_BACKGROUND_JOBS_COOKIE_SECRET: 'x'.repeat(32),
}
afterEach(() => {
  for (const name of [...Object.keys(env), 'NUXT_BACKGROUND_JOBS_REDIS_KEY_PREFIX']) delete process.env[name]
})
function problemsWithPrefix(prefix: string): string[] {
  Object.assign(process.env, env, { NUXT_BACKGROUND_JOBS_REDIS_KEY_PREFIX: prefix })
  const input = applyEnv({ backgroundJobs: structuredClone(DEFAULT_CONFIG) }, { prefix: 'NUXT_', altPrefix: 'NUXT_', envExpansion: false }).backgroundJobs as BackgroundJobsConfigInput
  return configProblems(resolveConfig(input, process.env), { input })
}

describe('an empty Redis key prefix', () => {
  it('stops the boot naming the variable', () => {
    expect(problemsWithPrefix('')).toEqual([expect.stringContaining('backgroundJobs.redisKeyPrefix (NUXT_BACKGROUND_JOBS_REDIS_KEY_PREFIX) is empty')])
  })

  it('leaves a prefix alone, and the setting with another provider', () => {
    expect(problemsWithPrefix('myapp:')).toEqual([])
    expect(configProblems(resolveConfig({ redisKeyPrefix: '' }))).toEqual([])
  })
})
