/**
 * Reads the flags the app's `background-jobs:feature-flags` hook left, as booleans. A flag is on
 * only with `true` and off only with `false`: a flag the hook left out keeps the global value, and
 * any other value (`0`, `null`, `'false'`, `1`, a rollout result it forgot to call) is the app's
 * bug — logged, naming the hook and the flag, and taken as off (the hook meant to decide that
 * flag; `'false'` was taken as on, so a feature the app switched off stayed on).
 *
 * The hook returns the same wrong value on every request until the app is fixed: each flag's value
 * is logged once (per process), like the hooks' other faults, not once per request.
 */
import type { FeatureFlags } from '../feature-flags'
import type { Logger } from '../logger'

const FLAG_NAMES = ['enabled', 'tools', 'workflows'] as const

/** How a value shows in the log line: its kind, and a short text for a primitive. */
function described(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`
  if (typeof value === 'number' || typeof value === 'bigint') return `the ${typeof value} ${String(value)}`
  return `a value of type ${typeof value}`
}

/** How many flag-and-value lines are remembered; past it they are forgotten and may be logged again. */
const MAX_LOGGED_VALUES = 100
/** The flag-and-value lines already logged (`tools=the number 0`). */
const loggedValues = new Set<string>()

/** True the first time this flag's value is seen (bounded: see `MAX_LOGGED_VALUES`). */
function firstSeen(name: string, shown: string): boolean {
  const key = `${name}=${shown}`
  if (loggedValues.has(key)) return false
  if (loggedValues.size >= MAX_LOGGED_VALUES) loggedValues.clear()
  loggedValues.add(key)
  return true
}

/** The hook's flags, each `true`, `false` or left out (undefined). */
export function hookFlags(flags: Partial<Record<keyof FeatureFlags, unknown>>, logger: Logger): Partial<FeatureFlags> {
  const read: Partial<FeatureFlags> = {}
  for (const name of FLAG_NAMES) {
    const value = flags[name]
    if (value === undefined || typeof value === 'boolean') {
      read[name] = value as boolean | undefined
      continue
    }
    const shown = described(value)
    if (firstSeen(name, shown)) logger.error(`the background-jobs:feature-flags hook set flags.${name} to ${shown}, not true or false; ${name} is off for this user (logged once per flag and value)`, { flag: name })
    read[name] = false
  }
  return read
}
