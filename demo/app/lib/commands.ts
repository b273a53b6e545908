/**
 * What the composer's text asks for: a chat message, or a slash command that starts a workflow
 * (`/workflow <name> <input>`). Pure, so it is unit-tested.
 */
import type { CatalogChat, CatalogWorkflow } from '../../../app/lib/api-types'

/** The outcome of parsing the composer text. */
export type ComposerIntent =
  | { kind: 'chat', prompt: string }
  | { kind: 'workflow', workflow: string, input: unknown, label: string }
  | { kind: 'invalid', message: string }

/** `/workflow` or `/wf` as a whole word (`/wfh tips` is a chat message), then the name, then the input. */
const WORKFLOW_COMMAND = /^\/(?:workflow|wf)(?=\s|$)(?:\s+(\S+))?\s*([\s\S]*)$/

/** True when the catalog says a workflow cannot run (absent: it can). */
export function workflowUnavailable(workflow: CatalogWorkflow): boolean {
  return workflow.available === false
}

/** The workflow a new thread's hints name: the first one this user can start (none when none can). */
export function suggestedWorkflow(workflows: readonly CatalogWorkflow[] | undefined): string | undefined {
  return workflows?.find(workflow => !workflowUnavailable(workflow))?.name
}

/** The composer's line when chat cannot start (the catalog's `chat`), or null when it can. */
export function chatUnavailableText(chat: CatalogChat | undefined, workflows: readonly CatalogWorkflow[]): string | null {
  if (!chat || chat.available) return null
  const runnable = workflows.some(workflow => !workflowUnavailable(workflow))
  return `Chat is unavailable: ${chat.reason ?? 'this server cannot start chats.'}${runnable ? ' You can still start a workflow (/workflow <name>).' : ''}`
}

/** Parses the composer text against the workflows the server offers, and whether chat can start. */
export function parseComposerInput(text: string, workflows: readonly CatalogWorkflow[], chat?: CatalogChat): ComposerIntent {
  const trimmed = text.trim()
  if (!trimmed) return { kind: 'invalid', message: 'Write a message first.' }
  const match = WORKFLOW_COMMAND.exec(trimmed)
  if (!match) {
    const unavailable = chatUnavailableText(chat, workflows)
    return unavailable ? { kind: 'invalid', message: unavailable } : { kind: 'chat', prompt: trimmed }
  }
  const names = workflows.map(workflow => workflow.name)
  const name = match[1]
  if (!name) return { kind: 'invalid', message: `Name a workflow: ${names.join(', ') || '(none available)'}.` }
  const workflow = workflows.find(candidate => candidate.name === name)
  if (!workflow) return { kind: 'invalid', message: `Unknown workflow “${name}”. Available: ${names.join(', ') || 'none'}.` }
  if (workflowUnavailable(workflow)) return { kind: 'invalid', message: `The ${name} workflow cannot run now: ${workflow.reason ?? 'this server cannot run it.'}` }
  const rest = match[2]!.trim()
  const property = firstStringProperty(workflow.inputSchema)
  if (!rest && property && requiredNames(workflow.inputSchema).includes(property)) {
    return { kind: 'invalid', message: `Write the ${property} after the workflow's name: /workflow ${name} <${property}>` }
  }
  return { kind: 'workflow', workflow: name, input: workflowInput(rest, workflow.inputSchema), label: `/workflow ${name}${rest ? ` ${rest}` : ''}` }
}

/**
 * Turns the text after the workflow name into its input: JSON when it parses as an object;
 * otherwise the text fills the schema's first required string property (e.g. `topic`). Without a
 * schema it becomes `{ topic }`, the demo workflows' convention; no text for a schema whose fields
 * are optional is `{}`. An input that is not an object is
 * the text itself when it is text, else the text read as JSON (`3`, `["a","b"]`).
 */
export function workflowInput(text: string, schema: unknown): unknown {
  const shape = notObjectShape(schema)
  if (shape === 'text') return text
  if (shape === 'json') {
    try {
      return JSON.parse(text)
    }
    catch {
      // Not JSON: sent as it is, and the server's 400 says what the input must be.
      return text
    }
  }
  if (text.startsWith('{')) {
    try {
      return JSON.parse(text)
    }
    catch {
      // Not JSON after all: fall through and treat it as plain text.
    }
  }
  const property = firstStringProperty(schema)
  // No text for an input whose fields are optional: leave the field out (its default applies; a
  // `.min(1).optional()` field refuses an empty string).
  if (!text && schema && !(property && requiredNames(schema).includes(property))) return {}
  return { [property ?? 'topic']: text }
}

/** `text` for an input schema of text alone, `json` for another one that is no object, else null. */
function notObjectShape(schema: unknown): 'text' | 'json' | null {
  if (!schema || typeof schema !== 'object') return null
  const { type, anyOf, oneOf, properties } = schema as { type?: unknown, anyOf?: unknown, oneOf?: unknown, properties?: unknown }
  if (type === 'object' || properties) return null
  if (type === 'string') return 'text'
  return type !== undefined || anyOf || oneOf ? 'json' : null
}

interface PropertySchema {
  type?: unknown
  anyOf?: unknown
}

interface ObjectSchema {
  properties?: Record<string, PropertySchema | undefined>
  required?: string[]
}

/** A property that takes text: `"type": "string"`, or a nullable one (`["string", "null"]`, or `anyOf` with a string). */
function takesText(property: PropertySchema | undefined): boolean {
  if (!property) return false
  if (property.type === 'string' || (Array.isArray(property.type) && property.type.includes('string'))) return true
  return Array.isArray(property.anyOf) && property.anyOf.some(option => takesText(option as PropertySchema))
}

function requiredNames(schema: unknown): string[] {
  return schema && typeof schema === 'object' ? (schema as ObjectSchema).required ?? [] : []
}

function firstStringProperty(schema: unknown): string | undefined {
  if (!schema || typeof schema !== 'object') return undefined
  const { properties = {}, required = [] } = schema as ObjectSchema
  const stringNames = Object.keys(properties).filter(name => takesText(properties[name]))
  return stringNames.find(name => required.includes(name)) ?? stringNames[0]
}
