/**
 * Per-user feature flags: the rollout is stable per user and salt, spreads users over the
 * percentage, honours the allowlist, and a global flag that is off always wins.
 */
import { describe, expect, it } from 'vitest'
import { assertFeatureOn, combineFlags, globalFlags, inRollout, rolloutBucket } from '../../server/lib/feature-flags'
import { FeatureDisabledError } from '../../server/lib/errors'
import { resolveConfig } from '../../server/lib/config'

const USERS = Array.from({ length: 2000 }, (_, index) => `user-${index}`)

describe('rollout', () => {
  it('puts the same user in the same bucket every time, and a different salt reshuffles', () => {
    expect(rolloutBucket('alice', 'workflows')).toBe(rolloutBucket('alice', 'workflows'))
    const moved = USERS.filter(user => rolloutBucket(user, 'a') !== rolloutBucket(user, 'b'))
    expect(moved.length).toBeGreaterThan(USERS.length / 2)
  })

  it('lets about the given percentage in, nobody at 0 %, everybody at 100 %', () => {
    const share = (percentage: number) => USERS.filter(user => inRollout(user, { percentage })).length / USERS.length
    expect(share(0)).toBe(0)
    expect(share(100)).toBe(1)
    expect(share(25)).toBeGreaterThan(0.2)
    expect(share(25)).toBeLessThan(0.3)
    // Raising the percentage only adds users.
    const at10 = USERS.filter(user => inRollout(user, { percentage: 10 }))
    expect(at10.every(user => inRollout(user, { percentage: 20 }))).toBe(true)
  })

  it('always lets allowlisted users in', () => {
    expect(inRollout('alice', { percentage: 0, allowlist: ['alice'] })).toBe(true)
    expect(inRollout('bob', { percentage: 0, allowlist: ['alice'] })).toBe(false)
  })
})

describe('combining flags', () => {
  it('per-user flags narrow the global ones; a global off always wins', () => {
    const global = globalFlags(resolveConfig({ workflows: { enabled: false } }))
    expect(global).toEqual({ enabled: true, tools: true, workflows: false })
    expect(combineFlags(global, { workflows: true })).toEqual({ enabled: true, tools: true, workflows: false })
    expect(combineFlags(global, { tools: false })).toEqual({ enabled: true, tools: false, workflows: false })
    expect(combineFlags(global, { enabled: false })).toEqual({ enabled: false, tools: false, workflows: false })
    expect(globalFlags(resolveConfig({ enabled: false }))).toEqual({ enabled: false, tools: false, workflows: false })
  })
})

describe('the 503 of a feature that is off for a user', () => {
  const messageOf = (run: () => void) => {
    try {
      run()
    }
    catch (error) {
      expect(error).toBeInstanceOf(FeatureDisabledError)
      return (error as Error).message
    }
    throw new Error('expected a FeatureDisabledError')
  }

  it('says the app\'s feature-flags hook switched it off when the operator\'s flag is on', () => {
    const config = resolveConfig({})
    const hookOff = combineFlags(globalFlags(config), { workflows: false })
    expect(messageOf(() => assertFeatureOn('workflows', hookOff, config)))
      .toBe('Background jobs feature workflows.enabled is switched off for this user by the app\'s background-jobs:feature-flags hook (the global flag workflows.enabled, NUXT_BACKGROUND_JOBS_WORKFLOWS_ENABLED, is on)')
    expect(messageOf(() => assertFeatureOn('enabled', combineFlags(globalFlags(config), { enabled: false }), config)))
      .toContain('switched off for this user by the app\'s background-jobs:feature-flags hook')
    expect(() => assertFeatureOn('workflows', globalFlags(config), config)).not.toThrow()
  })

  it('names the variable when the operator turned the feature off', () => {
    const config = resolveConfig({ workflows: { enabled: false } })
    expect(messageOf(() => assertFeatureOn('workflows', globalFlags(config), config)))
      .toBe('Background jobs feature is disabled by the flag workflows.enabled (NUXT_BACKGROUND_JOBS_WORKFLOWS_ENABLED)')
  })
})
