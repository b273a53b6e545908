/**
 * Values a tool or a workflow node hands back are kept as JSON (the model reads a tool's result as
 * JSON; a node's output is recorded in its `node-end` event and read back on resume). JSON.stringify
 * throws for some values (a BigInt, a cycle) but silently turns others into something else: a Map
 * or a Set becomes `{}`, so a tool returning `new Map(...)` gave the model an empty object and no
 * one an error. `jsonProblem` finds both kinds, with where in the value they are.
 */

/** The problem with writing `value` as JSON, naming where it is (`result.items[2]`), or null when it has a faithful JSON form. */
export function jsonProblem(value: unknown, root = 'result'): string | null {
  const ancestors = new Set<object>()
  function visit(item: unknown, path: string, key: string): string | null {
    if (typeof item === 'bigint') return `a BigInt at ${path} (return it as a string or a number)`
    if (item === null || typeof item !== 'object') return null
    const toJSON = (item as { toJSON?: unknown }).toJSON
    // A Date, or a class with its own JSON form: what JSON writes is what toJSON returns.
    if (typeof toJSON === 'function') return ancestors.has(item) ? null : visit(toJSON.call(item, key), path, key)
    if (item instanceof Map) return `a Map at ${path}, which JSON writes as {} (return Object.fromEntries(map))`
    if (item instanceof Set) return `a Set at ${path}, which JSON writes as {} (return [...set])`
    if (ancestors.has(item)) return `a cycle at ${path} (a value that contains itself)`
    ancestors.add(item)
    try {
      const entries: Array<[string, unknown]> = Array.isArray(item) ? item.map((element, index) => [String(index), element]) : Object.entries(item)
      for (const [childKey, child] of entries) {
        const problem = visit(child, Array.isArray(item) ? `${path}[${childKey}]` : `${path}.${childKey}`, childKey)
        if (problem) return problem
      }
      return null
    }
    finally {
      ancestors.delete(item)
    }
  }
  return visit(value, root, '')
}
