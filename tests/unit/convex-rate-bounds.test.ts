import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { configProblems } from '../../server/lib/config-validate'
import { MAX_RATE_LIMIT } from '../../convex/limits'

const convex = { provider: 'convex' as const, convexUrl: 'https://x.convex.cloud', convexSecret: 's'.repeat(32), cookieSecret: 'x'.repeat(32) }

describe('per-minute limits the Convex deployment can count', () => {
  it('a …PerMinute limit above what rates:take accepts stops the boot, naming the setting (not a 500 on every request)', () => {
    const problems = configProblems(resolveConfig({ ...convex, limits: { createPerMinute: MAX_RATE_LIMIT + 1, inputPerMinute: 50_000 } }))
    expect(problems).toEqual([
      `backgroundJobs.limits.createPerMinute (NUXT_BACKGROUND_JOBS_LIMITS_CREATE_PER_MINUTE) must be at most ${MAX_RATE_LIMIT} with the provider "convex" (a deployment counts at most that many hits per window; 0 turns the limit off), got ${MAX_RATE_LIMIT + 1}`,
      `backgroundJobs.limits.inputPerMinute (NUXT_BACKGROUND_JOBS_LIMITS_INPUT_PER_MINUTE) must be at most ${MAX_RATE_LIMIT} with the provider "convex" (a deployment counts at most that many hits per window; 0 turns the limit off), got 50000`,
    ])
  })

  it('the bound itself, 0 (off), and any value with the other providers are accepted', () => {
    expect(configProblems(resolveConfig({ ...convex, limits: { createPerMinute: MAX_RATE_LIMIT, deletePerMinute: 0, anonymousCreatePerMinute: MAX_RATE_LIMIT } }))).toEqual([])
    expect(configProblems(resolveConfig({ limits: { createPerMinute: 1_000_000 } }))).toEqual([])
  })
})
