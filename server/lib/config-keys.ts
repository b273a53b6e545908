/**
 * Keys under `backgroundJobs` in an app's nuxt.config that are not settings. Without this check a
 * misspelt key (`limits.maxConcurrentJobsPerUsr`) would be merged and ignored: the app would run
 * on the default and nothing would say so. `nuxt typecheck` catches it too, but builds do not run it.
 */
import { DEFAULT_CONFIG } from './config'
import { closestName } from './closest-name'

/** The most edits between a misspelt key and the setting it suggests. */
const MAX_SUGGESTION_DISTANCE = 3

/** Problems naming every key of `input` that is not a setting, with the closest setting when there is one. */
export function unknownConfigKeys(input: unknown, defaults: object = DEFAULT_CONFIG, prefix = ''): string[] {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return []
  const known = defaults as Record<string, unknown>
  const problems: string[] = []
  for (const [name, value] of Object.entries(input)) {
    const key = prefix ? `${prefix}.${name}` : name
    if (!Object.hasOwn(known, name)) {
      const suggestion = closestName(name, Object.keys(known), MAX_SUGGESTION_DISTANCE)
      problems.push(`backgroundJobs.${key} is not a setting${suggestion ? ` (did you mean ${prefix ? `${prefix}.` : ''}${suggestion}?)` : ''}; see docs/config.md`)
      continue
    }
    const fallback = known[name]
    if (fallback !== null && typeof fallback === 'object') problems.push(...unknownConfigKeys(value, fallback, key))
  }
  return problems
}
