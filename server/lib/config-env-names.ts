/**
 * `NUXT_BACKGROUND_JOBS_*` variables that name no setting. Nitro applies only the variables of
 * keys it knows and ignores the rest, so a misspelt one (`…_LIMITS_MAX_STEP`) would leave the
 * default in force with nothing said: the server warns at boot, naming it and the variable it
 * probably meant (like a misspelt key in nuxt.config, lib/module.ts). Values are never printed.
 */
import { DEFAULT_CONFIG, envNameOf } from './config'
import { closestName } from './closest-name'

/** The prefix every setting's variable starts with. */
export const ENV_PREFIX = 'NUXT_BACKGROUND_JOBS_'

/** The most edits between a misspelt variable and the one it suggests. */
const MAX_SUGGESTION_DISTANCE = 4

/** Every variable Nitro reads for the settings: one per key, and one per group (a JSON object, `NUXT_BACKGROUND_JOBS_LIMITS={"maxSteps":3}`). */
export function knownEnvNames(defaults: object = DEFAULT_CONFIG, prefix = ''): string[] {
  const names: string[] = []
  for (const [name, fallback] of Object.entries(defaults)) {
    const key = prefix ? `${prefix}.${name}` : name
    names.push(envNameOf(key))
    if (fallback !== null && typeof fallback === 'object') names.push(...knownEnvNames(fallback, key))
  }
  return names
}

/** The variable of the whole `backgroundJobs` object, as JSON. */
const WHOLE_CONFIG_VARIABLE = 'NUXT_BACKGROUND_JOBS'

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/**
 * A group inside `NUXT_BACKGROUND_JOBS='{"limits":{…}}'`: Nitro merges that object one level deep
 * only, so the group replaces the app's group whole (its nuxt.config values are dropped) and Nitro
 * then reads the variables of the group's keys it holds and no other (`…_LIMITS_MAX_STEPS` set
 * beside it is ignored). A group variable (`NUXT_BACKGROUND_JOBS_LIMITS`) is merged key by key.
 */
function wholeGroupWarnings(env: Record<string, string | undefined>): string[] {
  let value: unknown
  try {
    value = JSON.parse(env[WHOLE_CONFIG_VARIABLE] ?? '')
  }
  catch {
    return []
  }
  if (!isObject(value)) return []
  const warnings: string[] = []
  for (const [group, fallback] of Object.entries(DEFAULT_CONFIG)) {
    const given = value[group]
    if (!isObject(fallback) || !isObject(given)) continue
    const leftOut = Object.keys(fallback).filter(key => !Object.hasOwn(given, key))
    if (leftOut.length === 0) continue
    const ignored = leftOut.map(key => envNameOf(`${group}.${key}`)).filter(name => env[name] !== undefined)
    warnings.push(`${WHOLE_CONFIG_VARIABLE} sets backgroundJobs.${group} as a whole: it replaces the group, so the group's other settings from nuxt.config are dropped (their defaults apply) and the variables of the keys it leaves out are not read${ignored.length > 0 ? ` (${ignored.join(', ')} is set and ignored)` : ''}; set ${envNameOf(group)} instead, whose keys are merged; see docs/config.md`)
  }
  return warnings
}

/**
 * A warning for each `NUXT_BACKGROUND_JOBS_*` variable of `env` that is not a setting's, and for
 * each group `NUXT_BACKGROUND_JOBS` sets whole (the variables of its other keys go unread).
 */
export function unknownEnvNameWarnings(env: Record<string, string | undefined>): string[] {
  const known = knownEnvNames()
  const knownSet = new Set(known)
  const warnings: string[] = wholeGroupWarnings(env)
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith(ENV_PREFIX) || knownSet.has(name)) continue
    const suggestion = closestName(name, known, MAX_SUGGESTION_DISTANCE)
    warnings.push(`${name} is not a setting and is ignored${suggestion ? ` (did you mean ${suggestion}?)` : ''}; see docs/config.md`)
  }
  return warnings
}
