/**
 * Parameters JSON arguments can never fill. A model sends a tool's arguments as JSON, so a
 * `z.date()`, `z.bigint()`, `z.map()`, `z.set()`, `z.instanceof(…)`, `z.function()`, `z.symbol()` or
 * `z.nan()` in `parameters` (without `z.coerce`) refuses every value it is given: the model is shown
 * `{}` (any value) there, and each of its calls that fills it fails. The registry refuses such a
 * definition at boot, naming the field. zod's own JSON Schema conversion finds them (its
 * `unrepresentable` handler); what a preprocess or a `.catch` feeds can still be filled, so it is
 * left alone.
 *
 * A union's options are judged whole: an option with such a site (`z.union([z.string(), z.date()])`'s
 * `z.date()`) can never be filled, so the model is not shown it (`dropNonJsonOptions`: it saw `{}`,
 * any value, there) while the other options still work; a union none of whose options JSON can fill
 * is refused like a single such field (it used to be kept, every option shown as `{}`).
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
  union: 'an option JSON can fill',
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

/** The options of a union (`z.union`, `z.discriminatedUnion`, `z.xor`), or null for any other schema. */
function unionOptions(schema: z.ZodType): z.ZodType[] | null {
  const def = schemaDef(schema)
  return def.type === 'union' && Array.isArray(def.options) ? def.options.filter(isZodSchema) : null
}

/** True for a path inside one of a union's options: its own sites only make that option unfillable. */
function insideUnion(path: readonly (string | number)[]): boolean {
  return path.includes('anyOf') || path.includes('oneOf')
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

/** A site JSON can never fill: where it is, its zod type, and for a union the first option's own site. */
interface NonJsonSite {
  path: readonly (string | number)[]
  type: string
  first?: NonJsonSite
}

function whatOf(site: NonJsonSite): string {
  return site.type === 'custom' ? 'z.instanceof(…)' : `z.${site.type}()`
}

/** The sites of `root` JSON can never fill, outside its unions' options, and its unions none of whose options JSON can fill. */
function nonJsonSites(root: z.ZodType): NonJsonSite[] {
  const fed = fedByCode(root)
  const sites: NonJsonSite[] = []
  z.toJSONSchema(root, {
    io: 'input',
    unrepresentable: ({ zodSchema, path }) => {
      const schema = zodSchema as unknown as z.ZodType
      if (!fed.has(schema) && neverJson(schema) && !insideUnion(path)) sites.push({ path, type: schemaDef(schema).type })
      return 'any'
    },
    override: ({ zodSchema, path }) => {
      const schema = zodSchema as unknown as z.ZodType
      const options = unionOptions(schema)
      if (!options?.length || fed.has(schema) || insideUnion(path) || !options.every(isNonJsonOption)) return
      sites.push({ path, type: 'union', first: nonJsonSites(options[0]!)[0] })
    },
  })
  return sites
}

/** Whether a union option can never be filled by JSON, by option (schemas are immutable). */
const optionVerdicts = new WeakMap<z.ZodType, boolean>()

/** True for a union option with a site JSON can never fill (see the file comment). */
function isNonJsonOption(option: z.ZodType): boolean {
  const known = optionVerdicts.get(option)
  if (known !== undefined) return known
  // A recursive schema reaches this option again while it is judged: fillable until shown otherwise.
  optionVerdicts.set(option, false)
  const verdict = nonJsonSites(option).length > 0
  optionVerdicts.set(option, verdict)
  return verdict
}

/**
 * A `z.toJSONSchema` override that leaves out of each union the options JSON can never fill (the
 * model is shown only what its JSON arguments can be); a union with no other option is left as it
 * is (the registry refuses it: nonJsonParametersProblem), as is one a preprocess or `.catch` feeds.
 */
export function dropNonJsonOptions(root: z.ZodType): (context: { zodSchema: unknown, jsonSchema: Record<string, unknown> }) => void {
  const fed = fedByCode(root)
  return ({ zodSchema, jsonSchema }) => {
    const schema = zodSchema as z.ZodType
    const options = unionOptions(schema)
    if (!options || fed.has(schema)) return
    const key = Array.isArray(jsonSchema.anyOf) ? 'anyOf' : Array.isArray(jsonSchema.oneOf) ? 'oneOf' : null
    const shown = key ? jsonSchema[key] as unknown[] : []
    if (!key || shown.length !== options.length) return
    const kept = shown.filter((_, index) => !isNonJsonOption(options[index]!))
    if (kept.length > 0 && kept.length < shown.length) jsonSchema[key] = kept
  }
}

/**
 * Why `parameters` cannot be filled by JSON arguments (the first such field, and what to write
 * instead), or null. Other schemas filled by JSON (a workflow's input, an answer) pass their own wording.
 */
export function nonJsonParametersProblem(parameters: z.ZodType, wording: NonJsonWording = PARAMETERS_WORDING): string | null {
  const site = nonJsonSites(parameters)[0]
  if (!site) return null
  const where = `${wording.has} ${fieldPath(site.path) || wording.whole}`
  if (site.type !== 'union') return `${where}: ${whatOf(site)}, which ${wording.never}; use ${INSTEAD[site.type]}`
  // Its first option's own site says what to write instead.
  let first = site.first
  while (first?.type === 'union' && first.first) first = first.first
  const option = first ? `its first option has ${fieldPath(first.path) ? `${fieldPath(first.path)}: ` : ''}${whatOf(first)}; use ${INSTEAD[first.type]}` : `use ${INSTEAD.union}`
  return `${where}: a union none of whose options ${wording.never.replace(/ can never be/, ' can ever be')}: ${option}`
}
