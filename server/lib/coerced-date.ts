/**
 * A `z.coerce.date()` field in a JSON Schema: a workflow's form schema (workflows/form-schema.ts) or
 * a tool's parameters as the model sees them (tools/registry.ts). zod has no JSON Schema for a Date
 * and wrote `{}` (any value) — in the catalog's `inputSchema`, an input request's `schema`, a tool's
 * parameters — so a client building its form, or a model filling the arguments, knew nothing of the
 * field: no type, no hint that it wants a date. Inputs, answers and arguments arrive as JSON, where
 * the date is text that `new Date(text)` reads (and a job stores it as its ISO text), so it is
 * shown as a date-time string.
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
