/**
 * The resolve-user hook may name a user by a numeric database id (`42`); the layer keeps it as its
 * digits (`'42'`), and that text is the `userId` the feature-flags hook's `rollout` compares. An
 * allowlist of the same numeric ids (`allowlist: [42]`) matched nobody: the allowlisted testers
 * were left out of the feature, silently.
 */
import { describe, expect, it } from 'vitest'
import { inRollout } from '../../server/lib/feature-flags'

describe('rollout allowlist with numeric ids', () => {
  it('lets in a user named by a number, as the resolve-user hook gave it', () => {
    expect(inRollout('42', { allowlist: [42, 7] })).toBe(true)
    expect(inRollout('7', { percentage: 0, allowlist: [42, 7] })).toBe(true)
  })

  it('still matches strings exactly, and no one else', () => {
    expect(inRollout('alice', { allowlist: ['alice'] })).toBe(true)
    expect(inRollout('43', { allowlist: [42, '4'] })).toBe(false)
    expect(inRollout('042', { allowlist: [42] })).toBe(false)
  })
})
