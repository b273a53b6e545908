/**
 * Arguments the scripted model sends to an app's tool named in the prompt: a sample value for each
 * required field of its JSON Schema that has no default, so a tool with required parameters runs
 * offline instead of failing validation (`{ city: z.string() }` gets `{ city: "example" }`).
 * Deterministic; optional fields and fields with a default are left out (zod fills the defaults).
 */

/** The text a required string gets when the schema says nothing more. */
export const SAMPLE_TEXT = 'example'
/** How deep nested objects are filled; below it an object is `{}`. */
const MAX_DEPTH = 5

type Schema = Record<string, unknown>

function isSchema(value: unknown): value is Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
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
      const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0
      return SAMPLE_TEXT.padEnd(minLength, 'e')
    }
    case 'integer':
    case 'number': {
      const minimum = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : 1
      return type === 'integer' ? Math.ceil(minimum) : minimum
    }
    case 'boolean': return true
    case 'array': {
      const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0
      return Array.from({ length: minItems }, () => sampleValue(schema.items, depth + 1))
    }
    case 'null': return null
    default: return depth >= MAX_DEPTH ? {} : sampleArguments(schema, depth + 1)
  }
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
