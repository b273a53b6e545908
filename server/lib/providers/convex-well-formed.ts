/**
 * Convex stores strings as UTF-8 and documents that they must be valid Unicode sequences
 * (https://docs.convex.dev/using/types). A lone UTF-16 surrogate survives `JSON.parse` of a request
 * body (`"\ud83d"`: a client that cut an emoji in half), and from there reached a call's arguments —
 * the title taken from the prompt, a thread or message id, an input's request id — which a real
 * deployment refuses (convex-test does not check), where the other providers stored the job. Each
 * one is sent as U+FFFD instead, as Redis stores it (its UTF-8 encoding does the same), on every
 * call alike, so a job is still found by the id as given. JSON the provider writes (requests,
 * events, answers) never holds one: `JSON.stringify` escapes them.
 */

/** ES2024's string methods (Node 20+), not yet in the TypeScript lib the layer compiles with. */
type WellFormedString = string & { isWellFormed(): boolean, toWellFormed(): string }

/** `value` with every string in it (also inside arrays and plain objects) a valid Unicode sequence. */
export function wellFormed<Value>(value: Value): Value {
  if (typeof value === 'string') {
    const text = value as unknown as WellFormedString
    return (text.isWellFormed() ? text : text.toWellFormed()) as Value
  }
  if (Array.isArray(value)) return value.map(item => wellFormed(item)) as Value
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, wellFormed(item)])) as Value
  }
  return value
}
