/**
 * An optional question: an input node whose answer schema takes a missing answer
 * (`z.string().optional()`, `z.number().default(3)`). An answer is never missing — JSON has no
 * `undefined`, and `POST …/input` requires `answer` — so `null` stands for the answer left out
 * (nodes/input.ts reads it as the schema reads a missing one). Its JSON Schema says so: `null` is
 * one of its options, so a form built from it (the catalog's, the input request's) may leave it empty.
 */

interface ZodLike {
  _zod?: { def?: { type?: string, innerType?: ZodLike } }
}

/** Wrappers whose schema takes a missing value (what zod writes no JSON Schema for). */
const TAKES_MISSING = new Set(['optional', 'default', 'prefault'])

/** True when the answer schema, as written, takes a missing answer (through `.readonly()`). */
export function takesMissingAnswer(schema: unknown): boolean {
  let def = (schema as ZodLike | undefined)?._zod?.def
  for (let depth = 0; def && depth < 16; depth++) {
    if (TAKES_MISSING.has(def.type ?? '')) return true
    if (def.type !== 'readonly') return false
    def = def.innerType?._zod?.def
  }
  return false
}

function takesNull(shown: Record<string, unknown>): boolean {
  if (shown.type === 'null' || (Array.isArray(shown.type) && shown.type.includes('null'))) return true
  const options = shown.anyOf ?? shown.oneOf
  return Array.isArray(options) && options.some(option => option !== null && typeof option === 'object' && takesNull(option as Record<string, unknown>))
}

/** The answer's JSON Schema with `null` as one of its options (as is when it has one, or says nothing: any value). */
export function withNullOption(shown: unknown): unknown {
  if (shown === null || typeof shown !== 'object') return shown
  const { $schema, ...rest } = shown as Record<string, unknown>
  if (Object.keys(rest).length === 0 || takesNull(rest)) return shown
  return { ...($schema === undefined ? {} : { $schema }), anyOf: [rest, { type: 'null' }] }
}
