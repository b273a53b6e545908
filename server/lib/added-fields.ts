/**
 * A value recorded by an earlier version of the app (a workflow's stored input, an input node's
 * recorded answer), read by the version running now: the fields the new schema added with a default
 * are filled in from its reading of the value, at any depth (in nested objects, and in the items of
 * a list whose length and items' fields the reading kept); the fields the value has are kept as recorded, so a
 * transform never applies twice (docs/workflows.md, "Restart safety").
 */
import { isDeepStrictEqual } from 'node:util'

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** True when `parsed` is `recorded` with fields added at most (the same item, read with new defaults). */
function sameFields(recorded: unknown, parsed: unknown, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false
  if (Array.isArray(recorded)) return Array.isArray(parsed) && recorded.length === parsed.length && recorded.every((item, index) => sameFields(item, parsed[index], depth + 1))
  if (isPlainObject(recorded)) return isPlainObject(parsed) && Object.keys(recorded).every(key => Object.hasOwn(parsed, key) && sameFields(recorded[key], parsed[key], depth + 1))
  return isDeepStrictEqual(recorded, parsed)
}

/** Deeper than any value a route accepts: a reading that loops back on itself is not followed. */
const MAX_DEPTH = 64

/** `recorded` with the fields of `parsed` it lacks, or `recorded` itself when it lacks none. */
function added(recorded: unknown, parsed: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) return recorded
  if (Array.isArray(recorded) && Array.isArray(parsed)) {
    // A list the reading filtered is not matched item by item; nor an item whose fields it read
    // otherwise (a list it sorted would give one item another's defaults).
    if (recorded.length !== parsed.length) return recorded
    const items = recorded.map((item, index) => (sameFields(item, parsed[index]) ? added(item, parsed[index], depth + 1) : item))
    return items.some((item, index) => item !== recorded[index]) ? items : recorded
  }
  if (!isPlainObject(recorded) || !isPlainObject(parsed)) return recorded
  let result: Record<string, unknown> | undefined
  for (const [key, value] of Object.entries(parsed)) {
    if (value === undefined) continue
    const next = Object.hasOwn(recorded, key) ? added(recorded[key], value, depth + 1) : value
    if (Object.hasOwn(recorded, key) && next === recorded[key]) continue
    result ??= { ...recorded }
    // Defined, not assigned: a `__proto__` key stays a field.
    Object.defineProperty(result, key, { value: next, enumerable: true, writable: true, configurable: true })
  }
  return result ?? recorded
}

/** `recorded` with the fields of `parsed` it lacks, at any depth (else `recorded` as it is). */
export function withAddedFields(recorded: unknown, parsed: unknown): unknown {
  const result = added(recorded, parsed, 0)
  if (result === recorded) return recorded
  try {
    // As a store keeps it (JSON), as the rest of the value is.
    return JSON.parse(JSON.stringify(result)) as unknown
  }
  catch {
    return recorded
  }
}
