/**
 * A field of a thrown value, or undefined when reading it throws (a getter, a revoked Proxy) or the
 * value is not an object: what the readers of errors (their code, status, cause) need of anything a
 * tool, a node or the model client threw, without a second failure while handling the first.
 */
export function fieldOf(thrown: unknown, key: string): unknown {
  try {
    return (thrown as Record<string, unknown> | null | undefined)?.[key]
  }
  catch {
    return undefined
  }
}
