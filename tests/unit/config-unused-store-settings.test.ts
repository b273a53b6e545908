/**
 * `NUXT_BACKGROUND_JOBS_REDIS_URL` set without `NUXT_BACKGROUND_JOBS_PROVIDER=redis` ran every
 * instance on its own memory store with nothing said (jobs lost on each restart, 404s across
 * instances). A store's settings given while another provider is in use are warned about at boot,
 * naming them and the provider variable, never their values.
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { configWarnings } from '../../server/lib/config-validate'

const SECRET = 's3cr3t-password-0123456789'

describe('a shared store\'s settings while another provider is in use', () => {
  it('are warned about, naming them and the provider to set, never their values', () => {
    expect(configWarnings(resolveConfig({ redisUrl: `redis://:${SECRET}@redis:6379/0` }))).toEqual([
      'backgroundJobs.redisUrl (NUXT_BACKGROUND_JOBS_REDIS_URL) is set, but backgroundJobs.provider (NUXT_BACKGROUND_JOBS_PROVIDER) is "memory": it is not used, and jobs are kept in this process only (lost on a restart, not seen by other instances); set NUXT_BACKGROUND_JOBS_PROVIDER=redis to store them in Redis, or unset it',
    ])
    const redis = { provider: 'redis' as const, redisUrl: 'redis://127.0.0.1:6379', cookieSecret: 'c'.repeat(32) }
    const warnings = configWarnings(resolveConfig({ ...redis, convexUrl: 'https://happy-otter-123.convex.cloud', convexSecret: SECRET.repeat(2) }))
    expect(warnings).toEqual([
      'backgroundJobs.convexUrl (NUXT_BACKGROUND_JOBS_CONVEX_URL), backgroundJobs.convexSecret (NUXT_BACKGROUND_JOBS_CONVEX_SECRET) are set, but backgroundJobs.provider (NUXT_BACKGROUND_JOBS_PROVIDER) is "redis": they are not used, and jobs are stored in Redis; set NUXT_BACKGROUND_JOBS_PROVIDER=convex to store them in Convex, or unset these',
    ])
    expect(warnings.join()).not.toContain(SECRET)
  })

  it('says nothing when the provider is the one they are for, nor with the defaults', () => {
    expect(configWarnings(resolveConfig())).toEqual([])
    expect(configWarnings(resolveConfig({ provider: 'redis', redisUrl: 'redis://127.0.0.1:6379', redisKeyPrefix: 'myapp:', redisCommandTimeoutMs: 2_000, cookieSecret: 'c'.repeat(32) }))).toEqual([])
  })
})
