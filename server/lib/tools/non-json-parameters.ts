/**
 * Parameters JSON arguments can never fill. A model sends a tool's arguments as JSON, so a
 * `z.date()`, `z.bigint()`, `z.map()`, `z.set()`, `z.instanceof(…)`, `z.function()`, `z.symbol()` or
 * `z.nan()` in `parameters` (without `z.coerce`) refuses every value it is given: the model is shown
 * `{}` (any value) there, and each of its calls that fills it fails. The registry refuses such a
 * definition at boot, naming the field. zod's own JSON Schema conversion finds them (its
 * `unrepresentable` handler); what a preprocess or a `.catch` feeds, and a union's other branches,
 * can still be filled, so those are left alone.
 */
import { z } from 'zod'
import { isZodSchema } from '../zod-schema'

/** What to write instead, by zod type. */
const INSTEAD: Record<string, string> = {
  date: 'z.coerce.date() or z.iso.datetime()',
  bigint: 'z.coerce.bigint() or z.number().int()',
  map: 'z.record(…)',
  set: 'z.array(…)',
  custom: 'a JSON type (a string, a number, an object…)',
  function: 'a JSON type (a string, a number, an object…)',
  symbol: 'z.string()',
  nan: 'z.number()',
}

function schemaDef(schema: z.ZodType): Record<string, unknown> & { type: string } {
  return schema._zod.def as unknown as Record<string, unknown> & { type: string }
}

/** The schemas directly inside `schema` (object fields, array items, wrapped types…). */
function children(schema: z.ZodType): z.ZodType[] {
  const found: z.ZodType[] = []
  const def = schemaDef(schema)
  if (def.type === 'lazy') {
    const inner = (schema._zod as { innerType?: unknown }).innerType
    return isZodSchema(inner) ? [inner] : []
  }
  for (const value of Object.values(def)) {
    if (isZodSchema(value)) found.push(value)
    else if (Array.isArray(value)) found.push(...value.filter(isZodSchema))
    else if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) found.push(...Object.values(value).filter(isZodSchema))
  }
  return found
}

/** Every schema whose input is not JSON but what a preprocess or a `.catch` hands it. */
function fedByCode(root: z.ZodType): Set<z.ZodType> {
  const fed = new Set<z.ZodType>()
  const seen = new Set<z.ZodType>()
  const mark = (schema: z.ZodType) => {
    if (fed.has(schema)) return
    fed.add(schema)
    children(schema).forEach(mark)
  }
  const visit = (schema: z.ZodType) => {
    if (seen.has(schema)) return
    seen.add(schema)
    const def = schemaDef(schema)
    if (def.type === 'pipe' && isZodSchema(def.in) && schemaDef(def.in).type === 'transform' && isZodSchema(def.out)) mark(def.out)
    if (def.type === 'catch' && isZodSchema(def.innerType)) mark(def.innerType)
    children(schema).forEach(visit)
  }
  visit(root)
  return fed
}

/** A JSON Schema path (`properties`, `when`…) as a field path (`when`, `items[].at`). */
function fieldPath(path: readonly (string | number)[]): string {
  let text = ''
  for (let index = 0; index < path.length; index++) {
    const step = path[index]
    if (step === 'properties') text += `${text ? '.' : ''}${String(path[++index])}`
    else if (step === 'items') text += '[]'
    else if (step === 'prefixItems') text += `[${String(path[++index])}]`
    else if (step === 'additionalProperties') text += '[key]'
    else if (step === 'allOf') index++
  }
  return text
}

/** True for a site JSON can never fill (see the file comment). */
function neverJson(schema: z.ZodType): boolean {
  const def = schemaDef(schema)
  if (!(def.type in INSTEAD) || def.coerce === true) return false
  if (def.type !== 'custom') return true
  // `z.instanceof(Class)`: only a plain object or an array could be one. A bare `z.custom(check)` may accept JSON.
  const Class = (schema._zod as { bag?: { Class?: unknown } }).bag?.Class
  return typeof Class === 'function' && Class !== Object && Class !== Array
}

/** How a problem is worded for a schema other than a tool's `parameters` (a workflow's input or an input node's answer). */
export interface NonJsonWording {
  /** What has the field, e.g. '`parameters`'. */
  has: string
  /** The name of the whole value, when the schema itself is the problem. */
  whole: string
  /** What can never be it, and why. */
  never: string
}

const PARAMETERS_WORDING: NonJsonWording = {
  has: '`parameters` has',
  whole: 'a field',
  never: 'JSON arguments can never be (the model sends JSON, so every call that fills it would fail)',
}

/**
 * Why `parameters` cannot be filled by JSON arguments (the first such field, and what to write
 * instead), or null. Other schemas filled by JSON (a workflow's input, an answer) pass their own wording.
 */
export function nonJsonParametersProblem(parameters: z.ZodType, wording: NonJsonWording = PARAMETERS_WORDING): string | null {
  const fed = fedByCode(parameters)
  const problems: string[] = []
  z.toJSONSchema(parameters, {
    io: 'input',
    unrepresentable: ({ zodSchema, path }) => {
      const schema = zodSchema as unknown as z.ZodType
      if (!fed.has(schema) && neverJson(schema) && !path.includes('anyOf') && !path.includes('oneOf')) {
        const type = schemaDef(schema).type
        const what = type === 'custom' ? 'z.instanceof(…)' : `z.${type}()`
        problems.push(`${wording.has} ${fieldPath(path) || wording.whole}: ${what}, which ${wording.never}; use ${INSTEAD[type]}`)
      }
      return 'any'
    },
  })
  return problems[0] ?? null
}
