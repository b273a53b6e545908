/**
 * Per-user feature flags on top of the global ones. The app's `background-jobs:feature-flags`
 * Nitro hook may turn a feature off for a user (or keep it on only for some: an allowlist or a
 * percentage rollout). A global flag that is off always wins: it is the operator's kill switch.
 *
 * ```ts
 * nitroApp.hooks.hook('background-jobs:feature-flags', (context) => {
 *   context.flags.workflows = context.rollout({ percentage: 10, allowlist: ['alice'] })
 * })
 * ```
 */
import { createHash } from 'node:crypto'
import type { H3Event } from 'h3'
import type { BackgroundJobsConfig } from './config'
import { FeatureDisabledError } from './errors'

/** The features that can be switched per user. */
export interface FeatureFlags {
  /** Everything: off → every jobs route answers 503 for this user. */
  enabled: boolean
  /** Server-side tools offered to the model. */
  tools: boolean
  /** Starting workflow jobs. */
  workflows: boolean
}

/** A rollout rule: on for the users in the allowlist and for `percentage` % of the others. */
export interface RolloutRule {
  /** 0–100; the same user always lands in the same bucket for the same `salt`. @default 0 */
  percentage?: number
  /** User ids; a number is taken as its digits, as the `resolve-user` hook's user id is (`42` → `'42'`). */
  allowlist?: readonly (string | number)[]
  /** Changes which users fall in the percentage (use one per feature). @default '' */
  salt?: string
}

/** What the hook receives; it changes `flags` in place. */
export interface FeatureFlagsContext {
  event: H3Event
  userId: string
  /** Starts as the global flags. */
  flags: FeatureFlags
  /** True when this user is in the rollout. */
  rollout: (rule: RolloutRule) => boolean
}

/** A stable bucket 0–99 for a user and salt. */
export function rolloutBucket(userId: string, salt = ''): number {
  return createHash('sha256').update(`${salt}\u0000${userId}`).digest().readUInt32BE(0) % 100
}

/** True when the user is in the allowlist or its bucket is below the percentage. */
export function inRollout(userId: string, rule: RolloutRule): boolean {
  // The user id is text even when the app's resolve-user hook gave a number: so is each entry here.
  if (rule.allowlist?.some(entry => String(entry) === userId)) return true
  const percentage = Math.min(100, Math.max(0, rule.percentage ?? 0))
  return rolloutBucket(userId, rule.salt) < percentage
}

/** The global flags of a configuration. */
export function globalFlags(config: BackgroundJobsConfig): FeatureFlags {
  return { enabled: config.enabled, tools: config.enabled && config.tools.enabled, workflows: config.enabled && config.workflows.enabled }
}

/** Combines global and per-user flags: a feature is on only when both say so. */
export function combineFlags(global: FeatureFlags, user: Partial<FeatureFlags>): FeatureFlags {
  const enabled = global.enabled && user.enabled !== false
  return {
    enabled,
    tools: enabled && global.tools && user.tools !== false,
    workflows: enabled && global.workflows && user.workflows !== false,
  }
}

/**
 * Throws the 503 for a feature that is off for this user. Its message says which switched it off:
 * the operator's flag, or — when that flag is on — the app's feature-flags hook (a message naming
 * only the variable sent an operator to a flag that was set right).
 */
export function assertFeatureOn(feature: 'enabled' | 'workflows', flags: FeatureFlags, config: BackgroundJobsConfig): void {
  if (flags[feature]) return
  throw new FeatureDisabledError(feature === 'enabled' ? 'enabled' : 'workflows.enabled', globalFlags(config)[feature])
}
