/**
 * A small form model from a JSON Schema, enough for workflow input requests: an object of strings,
 * numbers, booleans and enums becomes fields; any other schema becomes one field for the whole answer.
 * A field that also takes null (`type: ['number', 'null']`, an `anyOf` with `{ type: 'null' }`) is
 * shown as its other type and sent as null when left empty; an enum of numbers (or other non-text
 * values) sends the value chosen, not its text; any other union, list or object is a JSON field.
 */

/** One form field. */
export interface FormField {
  /** Property name; `''` when the field is the whole answer. */
  name: string
  label: string
  control: 'text' | 'textarea' | 'number' | 'checkbox' | 'select' | 'json'
  required: boolean
  options?: string[]
  /** The value each option stands for, when they are not all text (an enum of numbers): sent instead of its text. */
  optionValues?: unknown[]
  /** The schema also takes null: the field left empty is sent as null. */
  nullable?: boolean
  description?: string
}

interface SchemaNode {
  type?: string | string[]
  title?: string
  description?: string
  enum?: unknown[]
  const?: unknown
  anyOf?: SchemaNode[]
  oneOf?: SchemaNode[]
  allOf?: SchemaNode[]
  $ref?: string
  maxLength?: number
  properties?: Record<string, SchemaNode>
  required?: string[]
}

/**
 * The object an answer's schema asks for, also when the answer may be left out (an optional
 * question's schema takes null too: `anyOf: [object, { type: 'null' }]`): its fields, or its
 * Approve / Reject, are the form — with Skip (`skippable`) — rather than one box of JSON.
 */
function formNode(schema: unknown): SchemaNode {
  const node = (schema && typeof schema === 'object' ? schema : {}) as SchemaNode
  const { shape } = withoutNull(node)
  return shape.type === 'object' && shape.properties ? shape : node
}

/** The answer may be left out (sent as null) while the form shows the object it takes otherwise. */
export function skippable(schema: unknown): boolean {
  const node = (schema && typeof schema === 'object' ? schema : {}) as SchemaNode
  return formNode(schema) !== node && withoutNull(node).nullable
}

/** Fields to render for a schema. */
export function formFields(schema: unknown): FormField[] {
  const node = formNode(schema)
  if (node.type === 'object' && node.properties) {
    return Object.entries(node.properties).map(([name, property]) => ({
      ...fieldFor(property, node.required?.includes(name) ?? false),
      name,
      label: property.title ?? humanize(name),
    }))
  }
  return [{ ...fieldFor(node, true), name: '', label: node.title ?? 'Your answer' }]
}

function fieldFor(node: SchemaNode, required: boolean): Omit<FormField, 'name' | 'label'> {
  const { shape, nullable } = withoutNull(node)
  // zod puts a nullable field's `.describe()` on its option when the field was described first.
  const field = controlFor(shape, { required, description: node.description ?? shape.description })
  // May be left empty (it is then null), so the browser does not ask for it.
  return nullable ? { ...field, required: false, nullable: true } : field
}

/** The schema without the null it also takes (and whether it took null). */
function withoutNull(node: SchemaNode): { shape: SchemaNode, nullable: boolean } {
  const enumNull = node.enum?.includes(null) ?? false
  const shape: SchemaNode = enumNull ? { ...node, enum: node.enum!.filter(value => value !== null) } : node
  if (Array.isArray(node.type)) {
    const types = node.type.filter(type => type !== 'null')
    return { shape: types.length === 1 ? { ...shape, type: types[0] } : shape, nullable: enumNull || types.length < node.type.length }
  }
  const options = node.type === undefined ? node.anyOf ?? node.oneOf : undefined
  if (!options) return { shape, nullable: enumNull }
  const others = options.filter(option => option.type !== 'null')
  const nullable = others.length < options.length
  if (others.length === 1) return { shape: { description: node.description, ...others[0]! }, nullable }
  // A union of fixed values (`z.literal(1)` or `'one'`) is a choice between them.
  const choices = others.flatMap(option => option.enum ?? ('const' in option ? [option.const] : [undefined]))
  if (others.length > 1 && !choices.includes(undefined)) return { shape: { enum: choices }, nullable }
  return { shape: { ...shape, anyOf: others, oneOf: undefined }, nullable }
}

function controlFor(node: SchemaNode, base: { required: boolean, description?: string }): Omit<FormField, 'name' | 'label'> {
  const choices = node.enum ?? ('const' in node ? [node.const] : undefined)
  if (choices) {
    const options = choices.map(String)
    return { ...base, control: 'select', options, ...(choices.every(value => typeof value === 'string') ? {} : { optionValues: choices }) }
  }
  // Any other union, or a schema defined elsewhere (a recursive one's `$ref`): the user writes the value as JSON.
  if (node.anyOf || node.oneOf || node.allOf || node.$ref) return { ...base, control: 'json' }
  switch (node.type) {
    case 'boolean':
      return { ...base, control: 'checkbox', required: false }
    case 'number':
    case 'integer':
      return { ...base, control: 'number' }
    case 'string':
    case undefined:
      return { ...base, control: node.maxLength !== undefined && node.maxLength <= 120 ? 'text' : 'textarea' }
    default:
      return { ...base, control: 'json' }
  }
}

/** `dueDate` → `Due date`. */
export function humanize(name: string): string {
  const words = name.replace(/[_-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().trim()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** Thrown when a JSON field does not parse. */
export class FormValueError extends Error {}

/** The answer to send, from the raw values of the fields (strings from inputs, booleans from checkboxes). */
export function formAnswer(fields: readonly FormField[], values: Record<string, string | number | boolean>): unknown {
  const convert = (field: FormField): unknown => {
    const raw = values[field.name]
    if (field.control === 'checkbox') return Boolean(raw)
    // Vue's v-model on a number input already yields a number.
    const text = raw === undefined || typeof raw === 'boolean' ? '' : String(raw)
    // Left empty: null where the schema takes it; an optional field of JSON is left out.
    if (field.nullable && text.trim() === '') return null
    if (field.control === 'number') return text.trim() === '' ? undefined : Number(text)
    if (field.control === 'select' && field.optionValues) {
      const index = field.options?.indexOf(text) ?? -1
      return index === -1 ? undefined : field.optionValues[index]
    }
    if (field.control === 'json') {
      if (text.trim() === '' && !field.required) return undefined
      try {
        return JSON.parse(text)
      }
      catch {
        throw new FormValueError(`${field.label}: not valid JSON.`)
      }
    }
    return text
  }
  if (fields.length === 1 && fields[0]!.name === '') return convert(fields[0]!)
  const answer: Record<string, unknown> = {}
  for (const field of fields) {
    const value = convert(field)
    if (value !== undefined && !(value === '' && !field.required)) answer[field.name] = value
  }
  return answer
}

/** A yes/no decision a form asks for: its boolean field and the words on its two buttons. */
export interface FormDecision {
  name: string
  yes: string
  no: string
}

/**
 * The decision in an object schema with exactly one required boolean property (e.g. `approved`):
 * the form then shows two buttons (Approve / Reject) instead of a checkbox and a submit button.
 */
export function decisionOf(schema: unknown): FormDecision | null {
  const node = formNode(schema)
  if (node.type !== 'object' || !node.properties) return null
  const booleans = Object.entries(node.properties).filter(([name, property]) => property.type === 'boolean' && node.required?.includes(name))
  if (booleans.length !== 1) return null
  const name = booleans[0]![0]
  return /approv|accept|confirm/i.test(name) ? { name, yes: 'Approve', no: 'Reject' } : { name, yes: 'Yes', no: 'No' }
}
