/**
 * A `z.coerce.date()` field in a form schema (form-schema.ts). zod has no JSON Schema for a Date
 * and wrote `{}` (any value) in the catalog's `inputSchema` and an input request's `schema`, so a
 * client building its form from them knew nothing of the field: no type, no hint that it wants a
 * date. Inputs and answers arrive as JSON, where the date is text that `new Date(text)` reads (and
 * the job stores it as its ISO text), so it is shown as a date-time string.
 */

interface ZodLike {
  _zod?: { def?: { type?: string, coerce?: boolean } }
}

/** The `z.toJSONSchema` override: a coerced date is a `date-time` string. */
export function describeCoercedDate({ zodSchema, jsonSchema }: { zodSchema: unknown, jsonSchema: Record<string, unknown> }): void {
  const def = (zodSchema as ZodLike)._zod?.def
  if (def?.type !== 'date' || def.coerce !== true) return
  jsonSchema.type = 'string'
  jsonSchema.format = 'date-time'
}
