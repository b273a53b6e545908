/**
 * Reads the flags the app's `background-jobs:feature-flags` hook left, as booleans. A flag is on
 * only with `true` and off only with `false`: a flag the hook left out keeps the global value, and
 * any other value (`0`, `null`, `'false'`, `1`, a rollout result it forgot to call) is the app's
 * bug — logged, naming the hook and the flag, and taken as off (the hook meant to decide that
 * flag; `'false'` was taken as on, so a feature the app switched off stayed on).
 *
 * The hook returns the same wrong value on every request until the app is fixed: each flag's kind
 * of value (`null`, a number, a string, …) is logged once (per process), showing the first such
 * value, like the hooks' other faults, not once per request. Not once per value: a value that
 * differs per user or request (a rollout number, a plan name) logged a line per request.
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

/** The flag-and-kind lines already logged (`tools=number`): at most 3 flags × 8 kinds of value. */
const loggedKinds = new Set<string>()

/** True the first time this flag is set to a value of this kind. */
function firstSeen(name: string, value: unknown): boolean {
  const key = `${name}=${value === null ? 'null' : typeof value}`
  if (loggedKinds.has(key)) return false
  loggedKinds.add(key)
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
    if (firstSeen(name, value)) logger.error(`the background-jobs:feature-flags hook set flags.${name} to ${described(value)}, not true or false; ${name} is off for this user (logged once per flag and kind of value)`, { flag: name })
    read[name] = false
  }
  return read
}
