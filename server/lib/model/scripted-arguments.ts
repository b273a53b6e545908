/**
 * Arguments the scripted model sends to an app's tool named in the prompt: a sample value for each
 * required field of its JSON Schema that has no default, so a tool with required parameters runs
 * offline instead of failing validation (`{ city: z.string() }` gets `{ city: "example" }`).
 * Deterministic; optional fields and fields with a default are left out (zod fills the defaults).
 */

/** The text a required string gets when the schema says nothing more. */
export const SAMPLE_TEXT = 'example'
/** What a required string with one of these JSON Schema formats gets (zod's `z.email()` and the like). */
const SAMPLE_FORMATS: Record<string, string> = {
  'email': 'user@example.com',
  'uri': 'https://example.com/',
  'uuid': '00000000-0000-4000-8000-000000000000',
  'date': '2026-01-01',
  'date-time': '2026-01-01T00:00:00Z',
  'time': '00:00:00',
  'duration': 'P1D',
  'ipv4': '192.0.2.1',
  'ipv6': '2001:db8::1',
  'hostname': 'example.com',
}
/** How deep nested objects are filled; below it an object is `{}`. */
const MAX_DEPTH = 5

type Schema = Record<string, unknown>

function isSchema(value: unknown): value is Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function matchingSample(pattern: unknown, samples: string[]): string | undefined {
  if (typeof pattern !== 'string') return undefined
  try {
    const regex = new RegExp(pattern, 'u')
    return samples.find(sample => regex.test(sample))
  }
  catch {
    return undefined
  }
}

/** A sample value that fits `schema` as far as a small reading of JSON Schema can tell. */
function sampleValue(schema: unknown, depth: number): unknown {
  if (!isSchema(schema)) return null
  if ('const' in schema) return schema.const
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0]
  if ('default' in schema) return schema.default
  const union = (schema.anyOf ?? schema.oneOf) as unknown
  if (Array.isArray(union) && union.length > 0) return sampleValue(union[0], depth)
  const type = Array.isArray(schema.type) ? schema.type.find(item => item !== 'null') : schema.type
  switch (type) {
    case 'string': {
      const formatted = typeof schema.format === 'string' ? SAMPLE_FORMATS[schema.format] : undefined
      if (formatted !== undefined) return formatted
      const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0
      const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity
      const text = SAMPLE_TEXT.padEnd(minLength, 'e').slice(0, Math.max(minLength, maxLength))
      // A `pattern` without a known format (zod's `z.iso.time()`): the first sample it accepts.
      return matchingSample(schema.pattern, [text, ...Object.values(SAMPLE_FORMATS)]) ?? text
    }
    case 'integer':
    case 'number': return sampleNumber(schema, type === 'integer')
    case 'boolean': return true
    case 'array': {
      // A tuple (`prefixItems`) gets a sample for each of its positions.
      const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems.map(item => sampleValue(item, depth + 1)) : []
      const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0
      return [...prefix, ...Array.from({ length: Math.max(0, minItems - prefix.length) }, () => sampleValue(schema.items, depth + 1))]
    }
    case 'null': return null
    default: return depth >= MAX_DEPTH ? {} : sampleArguments(schema, depth + 1)
  }
}

/** A numeric keyword; the safe-integer range zod gives every `z.int()` counts as no bound. */
function bound(schema: Schema, key: string): number | undefined {
  const value = schema[key]
  return typeof value === 'number' && Math.abs(value) < Number.MAX_SAFE_INTEGER ? value : undefined
}

/**
 * The minimum (or just above an exclusive one), else 1 — unless that breaks an upper bound or
 * `multipleOf`: then the first of the maximum, just below an exclusive one, and the middle of the
 * range that fits (`z.number().negative()` gets -1, not 1).
 */
function sampleNumber(schema: Schema, integer: boolean): number {
  const [minimum, exclusiveMinimum] = [bound(schema, 'minimum'), bound(schema, 'exclusiveMinimum')]
  const [maximum, exclusiveMaximum] = [bound(schema, 'maximum'), bound(schema, 'exclusiveMaximum')]
  const step = bound(schema, 'multipleOf')
  const fits = (value: number) => (minimum === undefined || value >= minimum)
    && (exclusiveMinimum === undefined || value > exclusiveMinimum)
    && (maximum === undefined || value <= maximum)
    && (exclusiveMaximum === undefined || value < exclusiveMaximum)
    && (!integer || Number.isInteger(value))
    && (!step || Number.isInteger(value / step))
  const low = minimum ?? exclusiveMinimum
  const high = maximum ?? exclusiveMaximum
  const candidates = [
    minimum, exclusiveMinimum === undefined ? undefined : exclusiveMinimum + 1, 1,
    maximum, exclusiveMaximum === undefined ? undefined : exclusiveMaximum - 1,
    low !== undefined && high !== undefined ? (low + high) / 2 : undefined,
  ].filter((value): value is number => value !== undefined)
  const rounded = candidates.flatMap(value => [value, Math.ceil(value), Math.floor(value)])
  const aligned = step ? rounded.flatMap(value => [Math.ceil(value / step) * step, Math.floor(value / step) * step]) : rounded
  return [...rounded, ...aligned].find(fits) ?? (integer ? Math.ceil(candidates[0]!) : candidates[0]!)
}

/** Sample arguments for a tool's parameters schema (an object schema); `{}` when it has none. */
export function sampleArguments(schema: unknown, depth = 0): Record<string, unknown> {
  if (!isSchema(schema) || !isSchema(schema.properties)) return {}
  const required = Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : []
  const args: Record<string, unknown> = {}
  for (const name of required) {
    const property = schema.properties[name]
    if (isSchema(property) && 'default' in property) continue
    args[name] = sampleValue(property, depth)
  }
  return args
}
