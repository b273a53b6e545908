/**
 * Times set in the wrong unit: every `…Ms` setting is in milliseconds, and a value meant as
 * seconds (`NUXT_BACKGROUND_JOBS_LIMITS_JOB_TIMEOUT_MS=600` for ten minutes) is a valid number
 * that ends every job after 0.6 s. A setting whose default is 10 s or more and whose value is under
 * a second is warned about at boot, naming its variable and the value in milliseconds it would be
 * as seconds. A few settings have a larger smallest sensible value (`SMALLEST_SENSIBLE_MS`), so that
 * seconds written there are caught even when they are a thousand or more
 * (`NUXT_BACKGROUND_JOBS_LIMITS_RETENTION_MS=3600`, meant as an hour, deletes every finished job
 * after 3.6 s). Settings whose defaults are short (batch windows, retry delays, a scripted model's
 * pace) may well be set under a second on purpose and are not checked.
 */
import type { BackgroundJobsConfig } from './config'
import { DEFAULT_CONFIG, envNameOf } from './config'

/** A default this long or longer marks a setting no one sets under a second on purpose. */
const LONG_DEFAULT_MS = 10_000
/** Under this, such a setting was probably written in seconds. */
const PLAUSIBLE_MIN_MS = 1_000
/**
 * Settings whose smallest sensible value is more than a second, with how it reads. A job ended
 * must outlive its clients' reconnects and reads, so a retention under 5 minutes (3600 or 86400,
 * an hour or a day in seconds) is a unit slip; a job, or a person's answer, given under 10 s
 * (1800, 3600) too. A floor catches seconds below it only: a week of retention in seconds
 * (604800, 10 minutes) is a plausible value and is not warned about.
 */
export const SMALLEST_SENSIBLE_MS: Readonly<Record<string, { ms: number, label: string }>> = {
  'limits.retentionMs': { ms: 300_000, label: '5 minutes' },
  'limits.jobTimeoutMs': { ms: 10_000, label: '10 seconds' },
  'limits.inputTimeoutMs': { ms: 10_000, label: '10 seconds' },
}

/** The `…Ms` keys (dotted) whose defaults are `LONG_DEFAULT_MS` or more. */
function longTimeKeys(defaults: object, prefix = ''): string[] {
  return Object.entries(defaults).flatMap(([name, value]) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) return longTimeKeys(value, `${prefix}${name}.`)
    return name.endsWith('Ms') && typeof value === 'number' && value >= LONG_DEFAULT_MS ? [`${prefix}${name}`] : []
  })
}

const LONG_TIME_KEYS = longTimeKeys(DEFAULT_CONFIG)

/** The value at a dotted key. */
function valueOf(config: object, key: string): unknown {
  return key.split('.').reduce<unknown>((value, name) => (value as Record<string, unknown> | undefined)?.[name], config)
}

/**
 * One warning per long time setting set under its smallest sensible value, a second unless
 * `SMALLEST_SENSIBLE_MS` says (0 is left to the checks of config-validate.ts).
 */
export function unitWarnings(config: BackgroundJobsConfig): string[] {
  return LONG_TIME_KEYS.flatMap((key) => {
    const value = valueOf(config, key)
    const floor = SMALLEST_SENSIBLE_MS[key] ?? { ms: PLAUSIBLE_MIN_MS, label: 'a second' }
    if (typeof value !== 'number' || value <= 0 || value >= floor.ms) return []
    const under = value < PLAUSIBLE_MIN_MS ? 'a second' : floor.label
    return [`backgroundJobs.${key} (${envNameOf(key)}) is ${value} ms, under ${under} (its default is ${valueOf(DEFAULT_CONFIG, key)} ms): the value is in milliseconds; if you meant ${value} seconds, set ${value * 1000}`]
  })
}
