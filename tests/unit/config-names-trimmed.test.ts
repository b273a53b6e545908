/**
 * Settings that name something, read from the environment with the whitespace an env file keeps
 * (`KEY=redis ` in an `--env-file`, a secret file's newline). URLs were trimmed; these were not:
 * `NUXT_BACKGROUND_JOBS_PROVIDER="redis "` stopped the boot as an unknown provider, an instance id
 * `"pod-1 "` was registered and logged with the space, and a key prefix `"myapp: "` put the space
 * into every Redis key (so instances given the prefix with and without it shared nothing). Names
 * are now trimmed; a key prefix is refused naming the variable instead — trimmed, an app already
 * running on it would find none of its jobs, with nothing said. Fed through Nitro's applyEnv.
 */
import { applyEnv } from 'nitropack/runtime/internal/utils.env'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG, resolveConfig } from '../../server/lib/config'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { configProblems } from '../../server/lib/config-validate'

const base = {
  NUXT_BACKGROUND_JOBS_REDIS_URL: 'redis://127.0.0.1:6379',
  NUXT_BACKGROUND_JOBS_COOKIE_SECRET: 'x'.repeat(32),
}
const set: string[] = []
afterEach(() => {
  for (const name of set.splice(0)) delete process.env[name]
})

function boot(env: Record<string, string>) {
  const all = { ...base, ...env }
  set.push(...Object.keys(all))
  Object.assign(process.env, all)
  const input = applyEnv({ backgroundJobs: structuredClone(DEFAULT_CONFIG) }, { prefix: 'NUXT_', altPrefix: 'NUXT_', envExpansion: false }).backgroundJobs as BackgroundJobsConfigInput
  const config = resolveConfig(input, process.env)
  return { config, problems: configProblems(config, { input }) }
}

describe('names set with the whitespace of an env file', () => {
  it('are trimmed: the provider, the chat recovery mode and the instance id', () => {
    const { config, problems } = boot({
      NUXT_BACKGROUND_JOBS_PROVIDER: 'redis ',
      NUXT_BACKGROUND_JOBS_RECOVERY_CHAT: ' continue\n',
      NUXT_BACKGROUND_JOBS_INSTANCE_ID: 'pod-1 ',
    })
    expect(problems).toEqual([])
    expect(config.provider).toBe('redis')
    expect(config.recovery.chat).toBe('continue')
    expect(config.instanceId).toBe('pod-1')
  })

  it('a Redis key prefix is refused naming the variable, not moved silently', () => {
    const { config, problems } = boot({ NUXT_BACKGROUND_JOBS_PROVIDER: 'redis', NUXT_BACKGROUND_JOBS_REDIS_KEY_PREFIX: 'myapp: ' })
    expect(config.redisKeyPrefix).toBe('myapp: ')
    expect(problems).toEqual([expect.stringContaining('backgroundJobs.redisKeyPrefix (NUXT_BACKGROUND_JOBS_REDIS_KEY_PREFIX) "myapp: " starts or ends with whitespace')])
  })

  it('leaves a prefix without whitespace alone', () => {
    expect(boot({ NUXT_BACKGROUND_JOBS_PROVIDER: 'redis', NUXT_BACKGROUND_JOBS_REDIS_KEY_PREFIX: 'my app:' }).problems).toEqual([])
  })
})
