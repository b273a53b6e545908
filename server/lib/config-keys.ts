/**
 * Keys under `backgroundJobs` in an app's nuxt.config that are not settings. Without this check a
 * misspelt key (`limits.maxConcurrentJobsPerUsr`) would be merged and ignored: the app would run
 * on the default and nothing would say so. `nuxt typecheck` catches it too, but builds do not run it.
 */
import { DEFAULT_CONFIG } from './config'

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
      const suggestion = closest(name, Object.keys(known))
      problems.push(`backgroundJobs.${key} is not a setting${suggestion ? ` (did you mean ${prefix ? `${prefix}.` : ''}${suggestion}?)` : ''}; see docs/config.md`)
      continue
    }
    const fallback = known[name]
    if (fallback !== null && typeof fallback === 'object') problems.push(...unknownConfigKeys(value, fallback, key))
  }
  return problems
}

function closest(name: string, candidates: string[]): string | undefined {
  let best: { name: string, distance: number } | undefined
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase())
    if (distance <= MAX_SUGGESTION_DISTANCE && (!best || distance < best.distance)) best = { name: candidate, distance }
  }
  return best?.name
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]!
}
