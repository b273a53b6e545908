/**
 * The fields of a form schema zod lists in `required` though a missing value is accepted: zod's
 * JSON Schema (io `input`) states a `.catch(…)` field's declared type, which is required, but the
 * parse gives a missing value the catch value. A client that builds its form from the catalog or
 * an input request (the demo's) then refused to send a start or an answer the server takes. This
 * `z.toJSONSchema` override leaves such a field out of its object's `required`. So does a
 * `z.preprocess` field whose function fills a missing value (`v => v ?? 'en'`): zod lists it as its
 * schema (required), the server accepts it missing. That is known only by running the app's
 * function, so the field is checked once, when the form schema is built (at boot): an object of it
 * alone parsed from `{}`. A function that throws on a missing value, or is async, keeps it required.
 */
import { z } from 'zod'

interface ZodLike {
  _zod?: { def?: { type?: string, shape?: Record<string, ZodLike>, in?: ZodLike, out?: ZodLike }, traits?: Set<string> }
}

/** True when the field takes any value, a missing one included, without a refusal. */
function catchesMissing(field: ZodLike | undefined): boolean {
  const def = field?._zod?.def
  if (def?.type === 'catch') return true
  // A preprocess: its function runs first, then the schema; a schema that catches takes whatever it gives.
  if (def?.type === 'pipe' && def.in?._zod?.traits?.has('$ZodTransform')) return catchesMissing(def.out) || preprocessFillsMissing(field!)
  return false
}

/**
 * True when the server takes the object with this (preprocess) field left out, as it parses a start
 * or an answer. The app's function runs once (the docs promise it): the field is parsed as a copy
 * whose function calls the app's and notes a promise — zod would drop that promise (it throws for
 * a sync parse), and one that rejects on a missing value would be unhandled. (Calling the function
 * first to see whether it is async, then parsing, ran it twice.)
 */
function preprocessFillsMissing(field: ZodLike): boolean {
  // Known once per field: a schema built again (a computed default changed, form-schema.ts) or
  // used twice (the input and a question) does not run the app's function again.
  let known = filledMissing.get(field)
  if (known === undefined) {
    known = probeFillsMissing(field)
    filledMissing.set(field, known)
  }
  return known
}

/** What `preprocessFillsMissing` found for each field it checked. */
const filledMissing = new WeakMap<ZodLike, boolean>()

function probeFillsMissing(field: ZodLike): boolean {
  const def = field._zod?.def as { in?: { _zod?: { def?: { transform?: (value: unknown, payload: unknown) => unknown } } } } | undefined
  const transform = def?.in?._zod?.def?.transform
  const copy = (field as { clone?: (def: unknown) => z.ZodType }).clone
  if (!transform || !copy) return false
  let async = false
  try {
    const probed = copy.call(field, {
      ...def,
      in: z.transform((value: unknown, payload: unknown) => {
        const output = transform(value, payload)
        if (!(output instanceof Promise)) return output
        async = true
        output.catch(() => {})
        return undefined
      }),
    })
    return z.object({ field: probed }).safeParse({}).success && !async
  }
  catch {
    // The app's function threw: not known to be accepted.
    return false
  }
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
