/**
 * A bad numeric variable stops the boot with a problem that names the variable and the values it
 * accepts: `must not be negative, got -1` alone left an operator guessing whether 0 would do (it
 * turns some limits off and stops the boot for others), and `must be a number, got NaN` said
 * nothing of the range. Every numeric setting, each kind of bad value.
 */
import { describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG, envNameOf, resolveConfig } from '../../server/lib/config'
import { configProblems } from '../../server/lib/config-validate'

/** Every numeric setting, as `group.key` (or `key` at the top level). */
function numericKeys(defaults: object, prefix = ''): string[] {
  return Object.entries(defaults).flatMap(([name, value]) => {
    const key = prefix ? `${prefix}.${name}` : name
    if (value !== null && typeof value === 'object') return numericKeys(value, key)
    return typeof value === 'number' ? [key] : []
  })
}

/** `{ limits: { maxSteps: value } }` for `limits.maxSteps`. */
function withValue(key: string, value: unknown): Record<string, unknown> {
  return key.split('.').reduceRight<unknown>((inner, name) => ({ [name]: inner }), value) as Record<string, unknown>
}

describe('a bad numeric setting names the values it accepts', () => {
  it.each([['negative', -1], ['not a number', Number.NaN], ['a word', 'abc'], ['a fraction', 2.5]])('%s: every numeric setting', (_, value) => {
    for (const key of numericKeys(DEFAULT_CONFIG)) {
      const problems = configProblems(resolveConfig(withValue(key, value)))
      const own = problems.find(problem => problem.startsWith(`backgroundJobs.${key} (${envNameOf(key)}) must`))
      expect(own, key).toMatch(/ \(accepted: a whole number(, \d+ or more| from \d+ to \d+)\)$/)
    }
  })

  it('says whether 0 is accepted, the longest timer, and a narrower range where there is one', () => {
    const problemOf = (key: string, value: unknown) => configProblems(resolveConfig(withValue(key, value))).find(problem => problem.startsWith(`backgroundJobs.${key} `))
    expect(problemOf('limits.maxStreams', -1)).toBe('backgroundJobs.limits.maxStreams (NUXT_BACKGROUND_JOBS_LIMITS_MAX_STREAMS) must not be negative, got -1 (accepted: a whole number, 0 or more)')
    expect(problemOf('limits.maxSteps', -1)).toBe('backgroundJobs.limits.maxSteps (NUXT_BACKGROUND_JOBS_LIMITS_MAX_STEPS) must not be negative, got -1 (accepted: a whole number, 1 or more)')
    expect(problemOf('limits.jobTimeoutMs', 0)).toBe('backgroundJobs.limits.jobTimeoutMs (NUXT_BACKGROUND_JOBS_LIMITS_JOB_TIMEOUT_MS) must be greater than 0 (accepted: a whole number from 1 to 2147483647)')
    expect(problemOf('limits.retentionMs', Number.NaN)).toBe('backgroundJobs.limits.retentionMs (NUXT_BACKGROUND_JOBS_LIMITS_RETENTION_MS) must be a number, got NaN: a whole number of milliseconds (accepted: a whole number, 1 or more)')
    expect(problemOf('clientIpv6PrefixLength', 'abc')).toBe('backgroundJobs.clientIpv6PrefixLength (NUXT_BACKGROUND_JOBS_CLIENT_IPV6_PREFIX_LENGTH) must be a number, got "abc" (accepted: a whole number from 32 to 128)')
    expect(problemOf('isolation.heapMb', -5)).toBe('backgroundJobs.isolation.heapMb (NUXT_BACKGROUND_JOBS_ISOLATION_HEAP_MB) must not be negative, got -5 (accepted: a whole number, 16 or more)')
  })
})
