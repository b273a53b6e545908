/**
 * The arguments a human approved, as an isolated call carries them to its worker. A worker parses
 * a call's arguments with the tool's schema each time it gets them, so an approved call used to be
 * parsed twice — once to show the human, once to run — and a default or transform that is not the
 * same each time (`z.string().default(() => randomUUID())`, the time now) ran the tool with other
 * arguments than the ones approved. When the approved value crosses to a worker unchanged — JSON
 * data, and the Dates, Maps and Sets of such data a schema makes (`z.coerce.date()`, a transform),
 * which the structured clone of a worker message keeps as they are — the worker runs `execute` on
 * exactly it, as an in-process call does. Any other value (a class instance, which a clone turns
 * into a plain object) is parsed again from the model's arguments, as before.
 */
import { MAX_JSON_DEPTH } from '../json-problem'

/** The approved value, when it crosses to a worker unchanged, to hand to the worker as it is; else undefined. */
export function approvedArguments(value: unknown): { value: unknown } | undefined {
  return crossesUnchanged(value, 0) ? { value } : undefined
}

/**
 * True for null, booleans, strings, finite numbers (no -0), and arrays, plain objects, Dates, Maps
 * and Sets of them (no `undefined`): what a structured clone gives back as it was.
 */
function crossesUnchanged(value: unknown, depth: number): boolean {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return true
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0)
  if (typeof value !== 'object' || depth >= MAX_JSON_DEPTH) return false
  const prototype = Object.getPrototypeOf(value)
  // Only the built-ins themselves (a subclass comes back as its base), with no fields of their own.
  if (prototype === Date.prototype) return ownKeyCount(value) === 0
  if (prototype === Map.prototype || prototype === Set.prototype) {
    if (ownKeyCount(value) > 0) return false
    for (const entry of (value as Map<unknown, unknown> | Set<unknown>).entries()) {
      if (!crossesUnchanged(entry[0], depth + 1) || !crossesUnchanged(entry[1], depth + 1)) return false
    }
    return true
  }
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      if (!(index in value) || !crossesUnchanged(value[index], depth + 1)) return false
    }
    return true
  }
  if (prototype !== Object.prototype && prototype !== null) return false
  if (Object.getOwnPropertySymbols(value).length > 0) return false
  for (const key of Object.getOwnPropertyNames(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key)!
    if (!descriptor.enumerable || !('value' in descriptor) || !crossesUnchanged(descriptor.value, depth + 1)) return false
  }
  return true
}

function ownKeyCount(value: object): number {
  return Reflect.ownKeys(value).length
}
