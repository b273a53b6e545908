/**
 * The workflow's input as its nodes read it: the stored input, plus each field its object schema
 * declares but the input left out (an optional field not sent), as an own key holding undefined.
 * A template naming such a field (`'Notes: {{input.note}}'`) read `"note" does not exist` and failed
 * the job that the schema had accepted; it now reads as nothing ('' in text), as a field given as
 * undefined does. A name the schema does not declare (a typo) still fails. Nested objects are
 * filled the same way; a record, a list or a union is left as it is. An optional object left out
 * stays undefined (a function of the state reads `undefined`), but a template reading inside it
 * (`{{input.options.depth}}`) reads as nothing when its object schema declares that path. An object
 * behind a `z.preprocess` counts as that object: the preprocess's schema is what the input holds.
 */

import { setOwn } from '../../../shared/own-key'

interface ZodLike {
  _zod?: { def?: ObjectDefLike, traits?: Set<string> }
}

interface ObjectDefLike { type?: string, shape?: Record<string, ZodLike>, innerType?: ZodLike, catchall?: ZodLike, in?: ZodLike, out?: ZodLike }

/** Wrappers that keep the object they wrap. */
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional'])

/** The definition of an object schema, through its wrappers; undefined for any other schema. */
function objectDefOf(schema: ZodLike | undefined, depth = 0): ObjectDefLike & { shape: Record<string, ZodLike> } | undefined {
  const def = schema?._zod?.def
  if (!def || depth > 16) return undefined
  if (def.type === 'object') return def.shape ? def as ObjectDefLike & { shape: Record<string, ZodLike> } : undefined
  // A `z.preprocess(fn, object)`: what it returns (and the job stores) is that object's output.
  if (def.type === 'pipe' && def.in?._zod?.traits?.has('$ZodTransform')) return objectDefOf(def.out, depth + 1)
  return WRAPPERS.has(def.type ?? '') ? objectDefOf(def.innerType, depth + 1) : undefined
}

/** The fields of an object schema, through its wrappers; undefined for any other schema. */
function shapeOf(schema: ZodLike | undefined): Record<string, ZodLike> | undefined {
  return objectDefOf(schema)?.shape
}

/**
 * The first name of `path` (read below a value `schema` returns, as a template does) that its
 * object schemas do not declare, with the names they do: a template naming it could only fail the
 * node at run time (`{{input.topik}}`). Undefined when every name is declared, or when the schema
 * cannot tell: a record, a list, a union, a transform, an object that keeps unknown keys.
 */
export function undeclaredName(schema: unknown, path: readonly string[]): { name: string, declared: string[] } | undefined {
  let current = schema as ZodLike | undefined
  for (const name of path) {
    const object = objectDefOf(current)
    const catchall = object?.catchall?._zod?.def?.type
    if (!object || (catchall !== undefined && catchall !== 'never')) return undefined
    if (!Object.hasOwn(object.shape, name)) return { name, declared: Object.keys(object.shape) }
    current = object.shape[name]
  }
  return undefined
}

/**
 * Per object this module made: its fields that were left out and whose schema is an object, with
 * that schema. Weak: an entry goes with the state that holds its object.
 */
const leftOutObjects = new WeakMap<object, Map<string, ZodLike>>()

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `input` with the fields `schema` declares and it lacks, as own keys holding undefined (at any depth). */
export function withDeclaredFields(input: unknown, schema: unknown, depth = 0): unknown {
  const shape = shapeOf(schema as ZodLike)
  if (!shape || !isPlainObject(input) || depth > 64) return input
  const result: Record<string, unknown> = { ...input }
  for (const key of Object.keys(shape)) {
    const given = Object.hasOwn(input, key)
    const value = given ? withDeclaredFields(input[key], shape[key], depth + 1) : undefined
    if (!given && shapeOf(shape[key])) leftOutObjects.set(result, (leftOutObjects.get(result) ?? new Map()).set(key, shape[key]!))
    // Defined, not assigned: a `__proto__` field stays a field.
    Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true })
  }
  return result
}

/**
 * True when `holder[key]` is an object field that was left out and `path` names fields its schema
 * declares below it (`['style', 'tone']` for `{{input.extra.style.tone}}`): the template reads as
 * nothing there, as it does for a left-out field at the top.
 */
export function declaredBelowLeftOut(holder: object, key: string, path: readonly string[]): boolean {
  let schema = leftOutObjects.get(holder)?.get(key)
  for (const name of path) {
    const shape = shapeOf(schema)
    if (!shape || !Object.hasOwn(shape, name)) return false
    schema = shape[name]
  }
  return schema !== undefined
}

/**
 * A node's output as later nodes read it (`state.outputs`): an input node's answer holds the
 * fields its answer schema declares, as the input does (`{{outputs.approval.feedback}}` when the
 * reviewer left the optional feedback out); other outputs as recorded. Not what the log records.
 */
export function outputAsRead(node: { kind: string, schema?: unknown } | undefined, output: unknown): unknown {
  return node?.kind === 'input' ? withDeclaredFields(output, node.schema) : output
}

/**
 * Sets a node's output as later nodes read it (`outputAsRead`). An optional question left
 * unanswered (its answer `undefined`) reads, below it, as nothing where its answer schema declares
 * the path (`{{outputs.extra.note}}`), as an optional object the start left out does.
 */
export function setOutputAsRead(outputs: Record<string, unknown>, nodeId: string, node: { kind: string, schema?: unknown } | undefined, output: unknown): void {
  const read = setOwn(outputs, nodeId, outputAsRead(node, output))
  if (node?.kind === 'input' && read === undefined && shapeOf(node.schema as ZodLike)) leftOutObjects.set(outputs, (leftOutObjects.get(outputs) ?? new Map()).set(nodeId, node.schema as ZodLike))
}
