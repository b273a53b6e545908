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

/** A warning for each `NUXT_BACKGROUND_JOBS_*` variable of `env` that is not a setting's. */
export function unknownEnvNameWarnings(env: Record<string, string | undefined>): string[] {
  const known = knownEnvNames()
  const knownSet = new Set(known)
  const warnings: string[] = []
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith(ENV_PREFIX) || knownSet.has(name)) continue
    const suggestion = closestName(name, known, MAX_SUGGESTION_DISTANCE)
    warnings.push(`${name} is not a setting and is ignored${suggestion ? ` (did you mean ${suggestion}?)` : ''}; see docs/config.md`)
  }
  return warnings
}
