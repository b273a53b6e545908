/**
 * The on/off settings. Nitro reads `NUXT_BACKGROUND_JOBS_*` variables with destr, so `true` and
 * `false` arrive as booleans but `yes`, `off` or a typo (`flase`) arrive as strings. A word that is
 * not an on/off word is a boot error naming the variable, instead of a feature silently left on.
 */
import { shownValue } from './config-shown-value'

/** The keys that hold a boolean (the same in `DEFAULT_CONFIG`). */
export const BOOLEAN_KEYS = [
  'enabled',
  'allowAnonymous',
  'scripted.enabled',
  'tools.enabled',
  'workflows.enabled',
  'stream.compression',
  'telemetry.enabled',
  'telemetry.recordUserId',
  'telemetry.recordContent',
] as const

/** Words read as on. */
const TRUE_WORDS = ['true', '1', 'yes', 'on']
/** Words read as off; an empty variable is off too. */
const FALSE_WORDS = ['false', '0', 'no', 'off', '']

/** A setting's value as a boolean: an on/off word, a number (0 is off) or a boolean. An unknown word is on; `booleanProblem` reports it. */
export function parseBoolean(value: unknown): boolean {
  if (typeof value === 'string') return !FALSE_WORDS.includes(value.trim().toLowerCase())
  return Boolean(value)
}

/** What is wrong with a boolean setting's raw value (null: nothing). */
export function booleanProblem(value: unknown): string | null {
  if (value === undefined || typeof value === 'boolean') return null
  if (typeof value === 'number') return value === 0 || value === 1 ? null : `must be true or false, got ${value}`
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase()
    if (TRUE_WORDS.includes(word) || FALSE_WORDS.includes(word)) return null
  }
  return `must be true or false (also accepted: ${[...TRUE_WORDS, ...FALSE_WORDS.filter(Boolean)].join(', ')}), got ${shownValue(value)}`
}

/** The value at a dotted key of a raw configuration. */
export function valueAt(input: unknown, key: string): unknown {
  let value = input
  for (const part of key.split('.')) {
    if (!value || typeof value !== 'object') return undefined
    value = (value as Record<string, unknown>)[part]
  }
  return value
}
