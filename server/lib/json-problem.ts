/**
 * Values a tool or a workflow node hands back are kept as JSON (the model reads a tool's result as
 * JSON; a node's output is recorded in its `node-end` event and read back on resume). JSON.stringify
 * throws for some values (a BigInt, a cycle) but silently turns others into something else: a Map
 * or a Set becomes `{}`, so a tool returning `new Map(...)` gave the model an empty object and no
 * one an error. `jsonProblem` finds both kinds, with where in the value they are: also a Promise
 * (a forgotten `await`; JSON writes `{}` and its rejection would go unhandled), an Error, a RegExp,
 * an ArrayBuffer or a DataView (JSON writes `{}`), a typed array (JSON writes `{"0":…,"1":…}`, one
 * key per element), a fetch Response, Headers or another web API object (JSON writes `{}`), and a
 * value nested so deep that walking it would overflow the stack.
 */

/** The deepest nesting a value may have (levels of objects and arrays); no model reads deeper. */
export const MAX_JSON_DEPTH = 500

/** The longest path a problem names (characters); a deep one is cut in the middle of nowhere useful. */
const MAX_PATH_CHARS = 120

function shortPath(path: string): string {
  return path.length > MAX_PATH_CHARS ? `${path.slice(0, MAX_PATH_CHARS)}…` : path
}

/**
 * Objects of the fetch and web APIs a tool hands back by mistake — a forgotten `.json()` returns the
 * Response itself — with what to return instead. They keep their data in internal slots, so JSON
 * writes each as {}. Looked up on `globalThis` (a runtime may lack one).
 */
const WEB_OBJECTS: ReadonlyArray<readonly [name: string, hint: string]> = [
  ['Response', ' (return await response.json() or .text())'],
  ['Request', ' (return its url and method)'],
  ['Headers', ' (return Object.fromEntries(headers))'],
  ['URLSearchParams', ' (return params.toString(), or Object.fromEntries(params))'],
  ['FormData', ' (return Object.fromEntries(form))'],
  ['Blob', ' (return await blob.text())'],
  ['ReadableStream', ' (read it, and return what it held)'],
  ['WritableStream', ''],
  ['AbortSignal', ''],
]
let webTypes: Array<readonly [type: abstract new (...args: never[]) => unknown, name: string, hint: string]> | null = null

function webObjectProblem(item: object, path: string): string | null {
  webTypes ??= WEB_OBJECTS.flatMap(([name, hint]) => {
    const type = (globalThis as Record<string, unknown>)[name]
    return typeof type === 'function' ? [[type as abstract new (...args: never[]) => unknown, name, hint] as const] : []
  })
  for (const [type, name, hint] of webTypes) {
    if (item instanceof type) return `${name === 'AbortSignal' ? 'an' : 'a'} ${name} at ${path}, which JSON writes as {}${hint}`
  }
  return null
}

/** What JSON would write as `{}` for a built-in object, and what to return instead; null for plain data. */
function emptyObjectProblem(item: object, path: string): string | null {
  if (item instanceof Map) return `a Map at ${path}, which JSON writes as {} (return Object.fromEntries(map))`
  if (item instanceof Set) return `a Set at ${path}, which JSON writes as {} (return [...set])`
  if (item instanceof Promise) {
    // Reported instead of written: its rejection must not become an unhandled one.
    item.catch(() => {})
    return `a Promise at ${path}, which JSON writes as {} (await it before returning)`
  }
  if (item instanceof Error) return `an Error at ${path}, which JSON writes as {} (throw it, or return its message)`
  if (item instanceof WeakMap || item instanceof WeakSet) return `a ${item instanceof WeakMap ? 'WeakMap' : 'WeakSet'} at ${path}, which JSON writes as {}`
  if (item instanceof RegExp) return `a RegExp at ${path}, which JSON writes as {} (return its source)`
  if (item instanceof ArrayBuffer || item instanceof SharedArrayBuffer || item instanceof DataView || item instanceof WeakRef) {
    const kind = item instanceof ArrayBuffer ? 'an ArrayBuffer' : item instanceof SharedArrayBuffer ? 'a SharedArrayBuffer' : item instanceof DataView ? 'a DataView' : 'a WeakRef'
    return `${kind} at ${path}, which JSON writes as {}`
  }
  // Checked before its elements are walked: a few MB of bytes are millions of index keys.
  if (ArrayBuffer.isView(item)) return `a ${item.constructor?.name ?? 'typed array'} at ${path}, which JSON writes as an object keyed by index ({"0":…}) (return Array.from(it), or its bytes as base64 text)`
  return webObjectProblem(item, path)
}

/** The problem with writing `value` as JSON, naming where it is (`result.items[2]`), or null when it has a faithful JSON form. */
export function jsonProblem(value: unknown, root = 'result'): string | null {
  const ancestors = new Set<object>()
  // `fromToJSON`: the value a toJSON returned, which JSON writes as it is (it calls toJSON once per place).
  function visit(item: unknown, path: string, key: string, depth: number, fromToJSON = false): string | null {
    if (typeof item === 'bigint') return `a BigInt at ${shortPath(path)} (return it as a string or a number)`
    if (item === null || typeof item !== 'object') return null
    if (depth > MAX_JSON_DEPTH) return `a value nested more than ${MAX_JSON_DEPTH} levels deep at ${shortPath(path)} (flatten it)`
    const toJSON = fromToJSON ? undefined : (item as { toJSON?: unknown }).toJSON
    // A Date, or a class with its own JSON form: what JSON writes is what toJSON returns (even
    // the object itself: `toJSON() { return this }` writes its fields).
    if (typeof toJSON === 'function') return visit(toJSON.call(item, key), path, key, depth, true)
    const empty = emptyObjectProblem(item, shortPath(path))
    if (empty) return empty
    if (ancestors.has(item)) return `a cycle at ${shortPath(path)} (a value that contains itself)`
    ancestors.add(item)
    try {
      // Read as JSON reads it: an array by index up to its length (never through its own `map`,
      // which an Array subclass may override or build with a constructor of its own), an object
      // by its enumerable own keys. No copy of the entries: a big result is walked in place.
      const array = Array.isArray(item) ? item as unknown[] : null
      const keys = array ? null : Object.keys(item)
      const count = array ? array.length : keys!.length
      for (let index = 0; index < count; index++) {
        const child = array ? array[index] : (item as Record<string, unknown>)[keys![index]!]
        // Only an object or a BigInt can be a problem: skip the rest before naming a path.
        if (child === null || (typeof child !== 'object' && typeof child !== 'bigint')) continue
        const childKey = array ? String(index) : keys![index]!
        const problem = visit(child, array ? `${path}[${childKey}]` : `${path}.${childKey}`, childKey, depth + 1)
        if (problem) return problem
      }
      return null
    }
    finally {
      ancestors.delete(item)
    }
  }
  return visit(value, root, '', 1)
}
