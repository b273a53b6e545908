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
