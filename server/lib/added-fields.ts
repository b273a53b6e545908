/**
 * A value recorded by an earlier version of the app (a workflow's stored input, an input node's
 * recorded answer), read by the version running now: the fields the new schema added with a default
 * are filled in from its reading of the value; the fields the value has are kept as recorded, so a
 * transform never applies twice (docs/workflows.md, "Restart safety").
 */

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `recorded` with the top-level fields of `parsed` it lacks (both objects; else `recorded` as it is). */
export function withAddedFields(recorded: unknown, parsed: unknown): unknown {
  if (!isPlainObject(recorded) || !isPlainObject(parsed)) return recorded
  const added = Object.entries(parsed).filter(([key, value]) => !Object.hasOwn(recorded, key) && value !== undefined)
  if (added.length === 0) return recorded
  try {
    // As a store keeps it (JSON), as the rest of the value is.
    return { ...recorded, ...JSON.parse(JSON.stringify(Object.fromEntries(added))) as Record<string, unknown> }
  }
  catch {
    return recorded
  }
}
