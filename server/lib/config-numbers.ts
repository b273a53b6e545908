/**
 * The numeric settings' boot check: each must be a finite whole number, most of them above 0, a
 * timer's at most `MAX_TIMER_MS`. Every problem ends with the values the setting accepts
 * (`(accepted: 0 or more)`), so `must not be negative, got -1` also says whether 0 would do.
 */
import { envNameOf } from './config'
import { numberFormHint } from './config-number-form'
import { shownValue } from './config-shown-value'
import { isTimerSetting, MAX_TIMER_MS } from './config-timer-max'

/** Numeric keys where 0 is meaningful (off, no retries, write at once); all others must be > 0. */
export const ZERO_ALLOWED = new Set([
  'upstream.maxRetries',
  'upstream.retryBaseDelayMs',
  'upstream.contextTokens',
  'scripted.chunkIntervalMs',
  'limits.retryAfterSeconds',
  'limits.maxRepeatedCalls',
  'limits.maxToolsPerRequest',
  'limits.maxStreamsPerUser',
  'limits.maxStreams',
  'limits.maxAnonymousStreamsPerAddress',
  'limits.maxConcurrentAnonymousJobsPerAddress',
  'limits.createPerMinute',
  'limits.inputPerMinute',
  'limits.deletePerMinute',
  'limits.renamePerMinute',
  'limits.anonymousCreatePerMinute',
  'trustedProxies',
  'redisHealthCheckMs',
  'stream.batchWindowMs',
  'persist.intervalMs',
  'persist.bytes',
  'isolation.minWorkers',
  'isolation.maxQueue',
])

/** The shortest `clientIpv6PrefixLength`: a /32 is a whole ISP's allocation, shorter would count networks of many ISPs as one client. */
export const MIN_IPV6_PREFIX_LENGTH = 32

/** The smallest `isolation.heapMb` a worker starts and loads tools with (Node's own start takes a few MB). */
export const MIN_ISOLATION_HEAP_MB = 16

/** Settings whose range is narrower than "a whole number" (config-validate.ts checks the bounds themselves). */
const NARROWER: Readonly<Record<string, { min: number, max?: number }>> = {
  'clientIpv6PrefixLength': { min: MIN_IPV6_PREFIX_LENGTH, max: 128 },
  'isolation.heapMb': { min: MIN_ISOLATION_HEAP_MB },
}

/** ` (accepted: 1 to 2147483647)`: the whole numbers setting `key` takes. */
export function acceptedNumbers(key: string): string {
  const { min, max } = NARROWER[key] ?? { min: ZERO_ALLOWED.has(key) ? 0 : 1, max: isTimerSetting(key) ? MAX_TIMER_MS : undefined }
  return ` (accepted: ${max === undefined ? `a whole number, ${min} or more` : `a whole number from ${min} to ${max}`})`
}

function describe(key: string): string {
  return `backgroundJobs.${key} (${envNameOf(key)})`
}

/** Every numeric setting must be a finite, non-negative whole number (most of them positive). */
export function checkNumbers(defaults: object, values: Record<string, unknown>, prefix: string, problems: string[]): void {
  for (const [name, fallback] of Object.entries(defaults)) {
    const key = prefix ? `${prefix}.${name}` : name
    const value = values?.[name]
    if (fallback !== null && typeof fallback === 'object') {
      checkNumbers(fallback, (value ?? {}) as Record<string, unknown>, key, problems)
      continue
    }
    if (typeof fallback !== 'number') continue
    const accepted = acceptedNumbers(key)
    if (typeof value !== 'number' || !Number.isFinite(value)) problems.push(`${describe(key)} must be a number, got ${shownValue(value)}${numberFormHint(key, value)}${accepted}`)
    else if (value < 0) problems.push(`${describe(key)} must not be negative, got ${value}${accepted}`)
    // Counts, sizes and times alike: a fraction is a mistake (Retry-After is whole seconds, a
    // count of 2.5 would reach Redis as a range index it refuses at the first request).
    else if (!Number.isInteger(value)) problems.push(`${describe(key)} must be a whole number, got ${value}${accepted}`)
    else if (value === 0 && !ZERO_ALLOWED.has(key)) problems.push(`${describe(key)} must be greater than 0${accepted}`)
    else if (isTimerSetting(key) && value > MAX_TIMER_MS) problems.push(`${describe(key)} must be at most ${MAX_TIMER_MS} (about 24.8 days, the longest a Node timer waits), got ${value}`)
  }
}
