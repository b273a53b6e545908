/**
 * The fields of a form schema zod lists in `required` though a missing value is accepted: zod's
 * JSON Schema (io `input`) states a `.catch(…)` field's declared type, which is required, but the
 * parse gives a missing value the catch value. A client that builds its form from the catalog or
 * an input request (the demo's) then refused to send a start or an answer the server takes. This
 * `z.toJSONSchema` override leaves such a field out of its object's `required`. A `z.preprocess`
 * field stays as zod lists it unless its schema catches: whether the function accepts a missing
 * value is not known without running the app's code (docs/workflows.md).
 */

interface ZodLike {
  _zod?: { def?: { type?: string, shape?: Record<string, ZodLike>, in?: ZodLike, out?: ZodLike }, traits?: Set<string> }
}

/** True when the field takes any value, a missing one included, without a refusal. */
function catchesMissing(field: ZodLike | undefined): boolean {
  const def = field?._zod?.def
  if (def?.type === 'catch') return true
  // A preprocess: its function runs first, then the schema; a schema that catches takes whatever it gives.
  if (def?.type === 'pipe' && def.in?._zod?.traits?.has('$ZodTransform')) return catchesMissing(def.out)
  return false
}

/** The override: an object's fields that catch a missing value are not listed as required. */
export function dropCaughtRequired({ zodSchema, jsonSchema }: { zodSchema: unknown, jsonSchema: Record<string, unknown> }): void {
  const def = (zodSchema as ZodLike)._zod?.def
  if (def?.type !== 'object' || !def.shape || !Array.isArray(jsonSchema.required)) return
  const shape = def.shape
  const required = (jsonSchema.required as unknown[]).filter(key => typeof key !== 'string' || !Object.hasOwn(shape, key) || !catchesMissing(shape[key]))
  if (required.length === jsonSchema.required.length) return
  if (required.length > 0) jsonSchema.required = required
  else delete jsonSchema.required
}
