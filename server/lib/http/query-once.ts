/**
 * A query parameter given more than once (`?limit=1&limit=2`) arrives from `getQuery` as a list.
 * A parameter a route takes once is then a 400 saying so (`limit: is given 2 times; give it
 * once`), not a type error about a list or `NaN`, nor the "is required" of a missing one.
 */
import { z } from 'zod'

/** `schema`, after refusing a value given more than once. */
export function givenOnce<Schema extends z.ZodType>(schema: Schema) {
  return z.preprocess((value, context) => {
    if (!Array.isArray(value)) return value
    context.addIssue({ code: 'custom', message: `is given ${value.length} times; give it once` })
    return z.NEVER
  }, schema)
}
