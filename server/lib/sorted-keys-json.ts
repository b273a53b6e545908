/**
 * JSON with the keys of every object sorted: the same text for the same content whatever the key
 * order (a repeated tool call's key, an idempotent request's fingerprint).
 */

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map(key => [key, sortKeys((value as Record<string, unknown>)[key])]))
  }
  return value
}

/** `JSON.stringify` of `value` with its objects' keys sorted ('' for what JSON cannot write). */
export function sortedKeysJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? ''
}
