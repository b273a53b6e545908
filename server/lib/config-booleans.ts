/**
 * The on/off settings. Nitro reads `NUXT_BACKGROUND_JOBS_*` variables with destr, so `true` and
 * `false` arrive as booleans but `yes`, `off` or a typo (`flase`) arrive as strings. A word that is
 * not an on/off word is a boot error naming the variable, instead of a feature silently left on.
 * So is an empty variable: what a template or `docker compose` (`${ALLOW_ANONYMOUS}`, unset) renders
 * for a missing value, which read as off switched settings that are on by default (the layer,
 * tools, workflows, anonymous users, compression, spans) off with nothing said — as `null` there
 * would have left the default (config-env-null.ts), also a boot error.
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
/** Words read as off. */
const FALSE_WORDS = ['false', '0', 'no', 'off']

/**
 * A text's on/off word: trimmed, lower case, without single quotes around it (`'false'`, as
 * `docker run --env-file` passes it on; Nitro takes double quotes off itself).
 */
function wordOf(value: string): string {
  return value.trim().replace(/^'([^]*)'$/, '$1').trim().toLowerCase()
}

/** A setting's value as a boolean: an on/off word, a number (0 is off) or a boolean. An unknown word is on and an empty text off; `booleanProblem` reports both. */
export function parseBoolean(value: unknown): boolean {
  if (typeof value === 'string') {
    const word = wordOf(value)
    return word !== '' && !FALSE_WORDS.includes(word)
  }
  return Boolean(value)
}

/** What is wrong with a boolean setting's raw value (null: nothing); `fallback` is its default, named for an empty value. */
export function booleanProblem(value: unknown, fallback?: boolean): string | null {
  if (value === undefined || typeof value === 'boolean') return null
  if (typeof value === 'number') return value === 0 || value === 1 ? null : `must be true or false, got ${value}`
  const accepted = `also accepted: ${[...TRUE_WORDS, ...FALSE_WORDS].join(', ')}`
  if (typeof value === 'string') {
    const word = wordOf(value)
    if (TRUE_WORDS.includes(word) || FALSE_WORDS.includes(word)) return null
    if (word === '') return `is empty: write true or false (${accepted}), or unset the variable for its default${fallback === undefined ? '' : ` (${fallback})`}`
  }
  return `must be true or false (${accepted}), got ${shownValue(value)}`
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
