/**
 * A small form model from a JSON Schema, enough for workflow input requests: an object of strings,
 * numbers, booleans and enums becomes fields; any other schema becomes one field for the whole answer.
 */

/** One form field. */
export interface FormField {
  /** Property name; `''` when the field is the whole answer. */
  name: string
  label: string
  control: 'text' | 'textarea' | 'number' | 'checkbox' | 'select' | 'json'
  required: boolean
  options?: string[]
  description?: string
}

interface SchemaNode {
  type?: string | string[]
  title?: string
  description?: string
  enum?: unknown[]
  maxLength?: number
  properties?: Record<string, SchemaNode>
  required?: string[]
}

/** Fields to render for a schema. */
export function formFields(schema: unknown): FormField[] {
  const node = (schema && typeof schema === 'object' ? schema : {}) as SchemaNode
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
  const base = { required, description: node.description }
  if (node.enum) return { ...base, control: 'select', options: node.enum.map(String) }
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
    if (field.control === 'number') return text.trim() === '' ? undefined : Number(text)
    if (field.control === 'json') {
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
  const node = (schema && typeof schema === 'object' ? schema : {}) as SchemaNode
  if (node.type !== 'object' || !node.properties) return null
  const booleans = Object.entries(node.properties).filter(([name, property]) => property.type === 'boolean' && node.required?.includes(name))
  if (booleans.length !== 1) return null
  const name = booleans[0]![0]
  return /approv|accept|confirm/i.test(name) ? { name, yes: 'Approve', no: 'Reject' } : { name, yes: 'Yes', no: 'No' }
}
