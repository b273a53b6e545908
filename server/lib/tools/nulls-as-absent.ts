/**
 * OpenAI-family models often send `"timezone": null` for an optional parameter they do not use
 * (their strict mode makes every key required, so "no value" is written as null). `z.string().optional()`
 * refuses null, so the call failed with `timezone: Invalid input: expected string, received null`
 * and cost a model round. Before validation, a `null` for a property the schema may leave out
 * (`.optional()`, `.default()`, `.prefault()`) and whose type does not take null is treated as
 * absent — in the arguments object and in the objects nested in it (also objects in arrays). A
 * property that takes null (`.nullable()`, `.nullish()`, `z.any()`, a union with `z.null()`) keeps
 * its null; so does one that is required (its error is unchanged). Unions of objects are not
 * walked (which option a value is for is the schema's to decide). Structural: no refine or
 * transform runs here, and the model's value is never changed in place (the `tool-call` event keeps it).
 */
import type { z } from 'zod'

/** The zod 4 internals read here (stable across zod 4 releases: `z.object` reads the same ones). */
interface Internals {
  _zod: {
    def: {
      type: string
      innerType?: z.ZodType
      in?: z.ZodType
      getter?: () => z.ZodType
      shape?: Record<string, z.ZodType>
      element?: z.ZodType
      options?: readonly z.ZodType[]
      values?: readonly unknown[]
    }
    optin?: string
  }
}

/** Deepest nesting walked (arguments are bounded by MAX_JSON_DEPTH already; a recursive lazy schema is not). */
const MAX_DEPTH = 64

/** Types that never take null; any type not listed here is assumed to (its null is kept). */
const REFUSES_NULL = new Set(['string', 'number', 'int', 'boolean', 'bigint', 'date', 'enum', 'object', 'array', 'tuple', 'record', 'map', 'set', 'template_literal', 'nan', 'symbol', 'file', 'undefined', 'void', 'never'])

/** Wrappers whose own type is their inner schema's (for what a value of theirs holds). */
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'nonoptional', 'catch', 'success'])

function internals(schema: z.ZodType): Internals['_zod'] | undefined {
  return (schema as unknown as Partial<Internals>)?._zod
}

/** The schema that decides what a value's content is: through wrappers, a pipe's input, a lazy's target. */
function unwrapped(schema: z.ZodType, depth: number): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema
  for (let step = 0; current && step < MAX_DEPTH; step++) {
    const def: Internals['_zod']['def'] | undefined = internals(current)?.def
    if (!def) return undefined
    if (WRAPPERS.has(def.type)) current = def.innerType
    else if (def.type === 'pipe') current = def.in
    else if (def.type === 'lazy' && depth < MAX_DEPTH) current = def.getter?.()
    else return current
  }
  return undefined
}

/** Whether null passes the schema's type (by its structure; unknown kinds are assumed to take it). */
function takesNull(schema: z.ZodType, depth = 0): boolean {
  const def = internals(schema)?.def
  if (!def || depth > MAX_DEPTH) return true
  if (def.type === 'nullable' || def.type === 'null' || def.type === 'catch') return true
  if (WRAPPERS.has(def.type)) return def.innerType ? takesNull(def.innerType, depth + 1) : true
  if (def.type === 'pipe') return def.in ? takesNull(def.in, depth + 1) : true
  if (def.type === 'lazy') return def.getter ? takesNull(def.getter(), depth + 1) : true
  if (def.type === 'union') return (def.options ?? []).some(option => takesNull(option, depth + 1))
  if (def.type === 'literal') return (def.values ?? []).includes(null)
  return !REFUSES_NULL.has(def.type)
}

/** Marks a property to leave out. */
const ABSENT = Symbol('absent')

/**
 * The arguments with each `null` of an optional, non-nullable property left out (see the file
 * comment); the same value when there is none, else a copy of what changed.
 */
export function nullsAsAbsent(schema: z.ZodType, value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value
  const target = unwrapped(schema, depth)
  const def = target ? internals(target)?.def : undefined
  if (def?.type === 'array' && def.element && Array.isArray(value)) {
    let copy: unknown[] | undefined
    value.forEach((item, index) => {
      const next = nullsAsAbsent(def.element!, item, depth + 1)
      if (next !== item) (copy ??= [...value])[index] = next
    })
    return copy ?? value
  }
  if (def?.type !== 'object' || !def.shape || Array.isArray(value)) return value
  const record = value as Record<string, unknown>
  let copy: Record<string, unknown> | undefined
  for (const [key, property] of Object.entries(def.shape)) {
    if (!Object.hasOwn(record, key)) continue
    const current = record[key]
    const next = current === null
      ? (internals(property)?.optin !== undefined && !takesNull(property) ? ABSENT : current)
      : nullsAsAbsent(property, current, depth + 1)
    if (next === current) continue
    copy ??= { ...record }
    if (next === ABSENT) delete copy[key]
    else copy[key] = next
  }
  return copy ?? value
}
