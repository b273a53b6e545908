/**
 * The arguments a human approved, as an isolated call carries them to its worker. A worker parses
 * a call's arguments with the tool's schema each time it gets them, so an approved call used to be
 * parsed twice — once to show the human, once to run — and a default or transform that is not the
 * same each time (`z.string().default(() => randomUUID())`, the time now) ran the tool with other
 * arguments than the ones approved. When the approved value is plain JSON data (it crosses to a
 * worker unchanged), the worker runs `execute` on exactly it, as an in-process call does; any other
 * value (a Date, a Map from a transform) is parsed again from the model's arguments, as before.
 */
import { MAX_JSON_DEPTH } from '../json-problem'

/** The approved value, when it is plain JSON data, to hand to the worker as it is; else undefined. */
export function approvedArguments(value: unknown): { value: unknown } | undefined {
  return isPlainJsonData(value, 0) ? { value } : undefined
}

/** True for null, booleans, strings, finite numbers, and arrays and plain objects of them (no `undefined`, no -0). */
function isPlainJsonData(value: unknown, depth: number): boolean {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return true
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0)
  if (typeof value !== 'object' || depth >= MAX_JSON_DEPTH) return false
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      if (!(index in value) || !isPlainJsonData(value[index], depth + 1)) return false
    }
    return true
  }
  const prototype = Object.getPrototypeOf(value)
  if (prototype !== Object.prototype && prototype !== null) return false
  if (Object.getOwnPropertySymbols(value).length > 0) return false
  for (const key of Object.getOwnPropertyNames(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key)!
    if (!descriptor.enumerable || !('value' in descriptor) || !isPlainJsonData(descriptor.value, depth + 1)) return false
  }
  return true
}
