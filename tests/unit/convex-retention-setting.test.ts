/**
 * With the convex provider, retention runs in the deployment's cron and reads the deployment's own
 * `BACKGROUND_JOBS_RETENTION_MS` (providers.md, "Retention"): the server's `limits.retentionMs` deletes
 * nothing there. An operator who sets it gets a boot warning saying where retention is set instead.
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { configWarnings } from '../../server/lib/config-validate'

const convex = { provider: 'convex', convexUrl: 'https://x.convex.cloud', convexSecret: 's'.repeat(40), cookieSecret: 'c'.repeat(40) } as const

describe('limits.retentionMs with the convex provider', () => {
  it('is warned about at boot when set, naming the deployment variable that holds the retention', () => {
    expect(configWarnings(resolveConfig({ ...convex, limits: { retentionMs: 86_400_000 } }))).toEqual([
      'backgroundJobs.limits.retentionMs (NUXT_BACKGROUND_JOBS_LIMITS_RETENTION_MS) (86400000) does not apply with the provider "convex": the deployment\'s cron deletes finished jobs after its own BACKGROUND_JOBS_RETENTION_MS (1 hour unless set there); set the retention there (npx convex env set BACKGROUND_JOBS_RETENTION_MS 86400000)',
    ])
  })

  it('says nothing when left at its default, or with a provider that applies it', () => {
    expect(configWarnings(resolveConfig({ ...convex }))).toEqual([])
    expect(configWarnings(resolveConfig({ provider: 'redis', limits: { retentionMs: 86_400_000 } }))).toEqual([])
    expect(configWarnings(resolveConfig({ limits: { retentionMs: 86_400_000 } }))).toEqual([])
  })
})
