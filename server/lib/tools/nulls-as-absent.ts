/**
 * OpenAI-family models often send `"timezone": null` for an optional parameter they do not use
 * (their strict mode makes every key required, so "no value" is written as null). `z.string().optional()`
 * refuses null, so the call failed with `timezone: Invalid input: expected string, received null`
 * and cost a model round. Before validation, a `null` for a property the schema may leave out
 * (`.optional()`, `.default()`, `.prefault()`) and whose type does not take null is treated as
 * absent — in the arguments object and in the objects nested in it (also objects in arrays). A
 * property that takes null (`.nullable()`, `.nullish()`, `z.any()`, a union with `z.null()`) keeps
 * its null; so does one that is required (its error is unchanged). In a union of objects
 * (`z.union`, `z.discriminatedUnion` — only the options its tag names —, `z.xor`), a null is left
 * out when an option may leave the property out and no option takes null for it; which option the
 * value is is still the schema's to decide. Structural: no refine or transform runs here, and the
 * value sent is never changed in place (the `tool-call` event keeps it). Workflow inputs and input
 * nodes' answers are read the same way (docs/decisions/023).
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
      discriminator?: string
    }
    optin?: string
    /** An object's literal values per key (what a discriminated union reads its tag by). */
    propValues?: Record<string, Set<unknown>>
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

/** Most schemas a value is read against at once (the options of unions in unions). */
const MAX_CANDIDATES = 64

/**
 * The schemas that may decide a value's content: the schema through its wrappers, or each option
 * of a union (`z.union`, `z.discriminatedUnion`, `z.xor`, nested ones too). A discriminated union
 * whose tag the value names keeps only the options that take that tag.
 */
function candidates(schema: z.ZodType, value: object, depth: number, into: z.ZodType[], expanded = new Set<z.ZodType>()): z.ZodType[] {
  const target = unwrapped(schema, depth)
  const def = target ? internals(target)?.def : undefined
  if (!target || !def || depth > MAX_DEPTH || into.length >= MAX_CANDIDATES) return into
  if (def.type !== 'union' || !def.options) {
    into.push(target)
    return into
  }
  // A union that is its own option (through a lazy) is read once.
  if (expanded.has(target)) return into
  expanded.add(target)
  for (const option of taggedOptions(def.options, def.discriminator, value)) candidates(option, value, depth + 1, into, expanded)
  return into
}

/** A discriminated union's options that take the value's tag; all of them when it has none, or none takes it. */
function taggedOptions(options: readonly z.ZodType[], discriminator: string | undefined, value: object): readonly z.ZodType[] {
  if (discriminator === undefined || Array.isArray(value) || !Object.hasOwn(value, discriminator)) return options
  const tag = (value as Record<string, unknown>)[discriminator]
  const matching = options.filter(option => internals(option)?.propValues?.[discriminator]?.has(tag as never) !== false)
  return matching.length ? matching : options
}

/**
 * The arguments with each `null` of an optional, non-nullable property left out (see the file
 * comment); the same value when there is none, else a copy of what changed.
 */
export function nullsAsAbsent(schema: z.ZodType, value: unknown): unknown {
  return walk([schema], value, 0)
}

/**
 * `nullsAsAbsent` against every schema that may read the value (a union's options). A property's
 * null is left out when one of them may leave it out and none of them takes null: leaving it out
 * can then only let an option pass that would refuse it. A nested value is walked against that
 * property's schema in each of them.
 */
function walk(schemas: readonly z.ZodType[], value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value
  const targets: z.ZodType[] = []
  for (const schema of schemas) candidates(schema, value, depth, targets)
  const defs = targets.map(target => internals(target)!.def)
  if (Array.isArray(value)) {
    const elements = defs.flatMap(def => (def.type === 'array' && def.element ? [def.element] : []))
    if (!elements.length) return value
    let copy: unknown[] | undefined
    value.forEach((item, index) => {
      const next = walk(elements, item, depth + 1)
      if (next !== item) (copy ??= [...value])[index] = next
    })
    return copy ?? value
  }
  const shapes = defs.flatMap(def => (def.type === 'object' && def.shape ? [def.shape] : []))
  if (!shapes.length) return value
  const record = value as Record<string, unknown>
  let copy: Record<string, unknown> | undefined
  for (const key of Object.keys(record)) {
    const properties = shapes.flatMap(shape => (Object.hasOwn(shape, key) ? [shape[key]!] : []))
    if (!properties.length) continue
    const current = record[key]
    const next = current === null
      ? (properties.some(property => internals(property)?.optin !== undefined) && !properties.some(property => takesNull(property)) ? ABSENT : current)
      : walk(properties, current, depth + 1)
    if (next === current) continue
    copy ??= { ...record }
    if (next === ABSENT) delete copy[key]
    else copy[key] = next
  }
  return copy ?? value
}
