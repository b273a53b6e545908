/**
 * `NUXT_BACKGROUND_JOBS_*` variables Nitro reads as no value. Nitro parses each variable with destr,
 * which turns the words `null` and `undefined` (any case, spaces around them) into no value, and a
 * setting whose variable is no value keeps its default. A template that renders a missing value as
 * `null` (or `String(undefined)`) would run the server on that default with nothing said, so it is
 * a boot error naming the variable. (A value in quotes, `"null"`, is the text; a group's variable
 * set to `null` is merged as an empty group and changes nothing.)
 */
import { DEFAULT_CONFIG, envNameOf } from './config'

/** The words destr reads as no value. */
const NO_VALUE_WORDS = ['null', 'undefined']

/** The variable of each setting (not of the groups). */
function settingEnvNames(defaults: object, prefix = ''): string[] {
  return Object.entries(defaults).flatMap(([name, fallback]) => {
    const key = prefix ? `${prefix}.${name}` : name
    return fallback !== null && typeof fallback === 'object' ? settingEnvNames(fallback, key) : [envNameOf(key)]
  })
}

/** The settings' variables whose value Nitro reads as no value. */
export function noValueEnvNames(env: Record<string, string | undefined>): string[] {
  return settingEnvNames(DEFAULT_CONFIG).filter((name) => {
    const value = env[name]
    return value !== undefined && NO_VALUE_WORDS.includes(value.trim().toLowerCase())
  })
}

/** A problem for each setting's variable whose value Nitro reads as no value. */
export function noValueEnvProblems(env: Record<string, string | undefined>): string[] {
  return noValueEnvNames(env).map(name => `${name} is ${JSON.stringify(env[name]!.trim())}, which Nitro reads as no value: its setting would silently keep its default; give it a value or unset it`)
}

/**
 * The settings that are `null` in the configuration as given: a JSON null inside a group variable
 * (`NUXT_BACKGROUND_JOBS_LIMITS='{"maxSteps":null}'`, or in `NUXT_BACKGROUND_JOBS`) is merged in by
 * Nitro as it is, and then read as no value: the setting kept its default with nothing said, as a
 * variable set to `null` did. (nuxt.config's own nulls are merged away before.)
 */
export function nullSettingKeys(input: unknown, defaults: object = DEFAULT_CONFIG, prefix = ''): string[] {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return []
  const values = input as Record<string, unknown>
  return Object.entries(defaults).flatMap(([name, fallback]) => {
    const key = prefix ? `${prefix}.${name}` : name
    if (fallback !== null && typeof fallback === 'object') return nullSettingKeys(values[name], fallback, key)
    return values[name] === null ? [key] : []
  })
}

/** The problem of a setting that is `null` in a group variable's JSON (`nullSettingKeys`). */
export function nullInGroupProblem(key: string): string {
  const group = key.includes('.') ? [envNameOf(key.slice(0, key.lastIndexOf('.')))] : []
  return `backgroundJobs.${key} (${envNameOf(key)}) is null in the JSON of ${[...group, 'NUXT_BACKGROUND_JOBS'].join(' or ')}, which reads as no value: the setting would silently keep its default; give it a value or leave the key out`
}
