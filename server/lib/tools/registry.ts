/**
 * The tool registry: the tools an engine knows, by name. Files in `server/tools/` arrive here at
 * boot (lib/module.ts); apps may also `register` tools programmatically. Each tool's JSON Schema
 * is built once, at registration, so a schema zod cannot express fails at boot, not mid-job.
 */
import { z } from 'zod'
import { CLIENT_NEEDS_APPROVAL, isClientToolWithoutExecute, MISSING_EXECUTE, outputSchemaProblem, withClientExecute } from './client-tool'
import type { ModelTool } from '../model/types'
import type { AnyToolDefinition, ToolDefinition, ToolRegistry } from './types'
import { isZodSchema, zodSchemaProblem } from '../zod-schema'
import { MAX_TIMER_MS } from '../config-validate'
import { createDefaultsWatch } from './computed-defaults'
import type { DefaultsWatch } from './computed-defaults'
import { dropNonJsonOptions, nonJsonParametersProblem } from './non-json-parameters'
import { unknownToolKeyProblem } from './definition-keys'
import { describeCoercedDate } from '../coerced-date'

/**
 * What chat-completions endpoints accept as a function name (OpenAI's rule, which OpenRouter
 * and the other compatible endpoints follow).
 */
export const TOOL_NAME_PATTERN = /^[\w-]{1,64}$/

/** Options of `createToolRegistry`. */
export interface ToolRegistryOptions {
  /**
   * What a second tool with a name already taken does. `keep-first` lets an app's file shadow a
   * layer's tool of the same name (the app's files come first).
   * @default 'error'
   */
  onDuplicate?: 'error' | 'keep-first'
  /** Called with the name of a tool `keep-first` skipped (the plugin warns at boot: never dropped unseen). */
  onSkipped?: (name: string, files: { skipped?: string, kept?: string }) => void
  /**
   * The file each of `tools` came from (same order), named in errors and warnings so a developer
   * knows which `server/tools` file to fix.
   */
  files?: readonly (string | undefined)[]
}

/** A tool definition that is not usable, with the reason. */
export class InvalidToolDefinitionError extends Error {
  override readonly name = 'InvalidToolDefinitionError'
  constructor(readonly toolName: string, reason: string, readonly file?: string) {
    super(`Invalid tool${toolName ? ` "${toolName}"` : ''}${file ? ` in ${file}` : ''}: ${reason}`)
  }
}

/** Two tools with the same name. */
export class DuplicateToolError extends Error {
  override readonly name = 'DuplicateToolError'
  constructor(readonly toolName: string, files: { skipped?: string, kept?: string } = {}) {
    const where = files.skipped && files.kept ? ` (${files.skipped} and ${files.kept})` : ''
    super(`A tool named "${toolName}" is already registered${where}; tool names must be unique (rename one of the server/tools files)`)
  }
}

/**
 * The JSON Schema the model sees for a tool's zod parameters (the input side, no `$schema`), without
 * the union options JSON arguments can never fill (non-json-parameters.ts), nor the defaults
 * `defaults` knows a function computes (computed-defaults.ts); a `z.coerce.date()` is a date-time
 * string (coerced-date.ts).
 */
export function toolParametersJsonSchema(tool: ToolDefinition, defaults?: DefaultsWatch): Record<string, unknown> {
  const dropOptions = dropNonJsonOptions(tool.parameters)
  defaults?.begin()
  const override = ((context: Parameters<typeof dropOptions>[0] & Parameters<DefaultsWatch['override']>[0] & Parameters<typeof describeCoercedDate>[0]) => {
    dropOptions(context)
    defaults?.override(context)
    describeCoercedDate(context)
  }) as (context: unknown) => void
  const { $schema: _schema, ...schema } = z.toJSONSchema(tool.parameters, { io: 'input', unrepresentable: 'any', override }) as Record<string, unknown>
  return schema
}

function validateDefinition(tool: AnyToolDefinition, file?: string): void {
  const invalid = (name: string, reason: string) => new InvalidToolDefinitionError(name, reason, file)
  if (!tool || typeof tool !== 'object') {
    throw invalid('', `a tool file must default-export defineTool({ … }) (got ${tool === null ? 'null' : typeof tool})`)
  }
  // Read as one definition, a list of tools or a Promise of one was refused as having no `name`.
  if (Array.isArray(tool)) {
    throw invalid('', `a tool file default-exports one tool, got a list of ${tool.length}: put each defineTool({ … }) in a file of its own in server/tools/`)
  }
  if (typeof (tool as { then?: unknown }).then === 'function') {
    throw invalid('', 'a tool file default-exports the definition, got a Promise: `export default defineTool({ … })` (await what it needs inside `execute`, or at the top level of the file)')
  }
  const name = typeof tool.name === 'string' ? tool.name : ''
  if ('nodes' in tool && 'edges' in tool) {
    throw invalid(name, 'this is a workflow definition (it has nodes and edges): workflow files go in server/workflows/, default-exporting defineWorkflow')
  }
  if (!TOOL_NAME_PATTERN.test(name)) {
    throw invalid(name, tool.name === undefined ? 'a `name` is required: 1–64 letters, digits, "_" or "-"' : 'the name must be 1–64 letters, digits, "_" or "-"')
  }
  // Before the other checks: a misspelt key (`timeoutMS`) would otherwise read as the real one missing.
  const unknownKey = unknownToolKeyProblem(tool)
  if (unknownKey) throw invalid(name, unknownKey)
  if (typeof tool.description !== 'string' || !tool.description.trim()) {
    throw invalid(name, 'a description is required (the model reads it to decide when to call the tool)')
  }
  if (!isZodSchema(tool.parameters)) throw invalid(name, zodSchemaProblem(tool.parameters, '`parameters`', 'z.object({ city: z.string() })'))
  if (tool.execute === undefined && !isClientToolWithoutExecute(tool)) throw invalid(name, MISSING_EXECUTE)
  if (typeof tool.execute !== 'function' && !isClientToolWithoutExecute(tool)) {
    throw invalid(name, '`execute` must be a function')
  }
  if (tool.timeoutMs !== undefined && !(Number.isFinite(tool.timeoutMs) && tool.timeoutMs > 0)) {
    throw invalid(name, '`timeoutMs` must be a positive number of milliseconds')
  }
  // A longer Node.js timer fires at once: every call would end `timeout` within milliseconds.
  if (tool.timeoutMs !== undefined && tool.timeoutMs > MAX_TIMER_MS) {
    throw invalid(name, `\`timeoutMs\` must be at most ${MAX_TIMER_MS} ms (about 24.8 days, the longest a Node.js timer waits; a longer one fires at once), got ${tool.timeoutMs}`)
  }
  if (tool.runtime !== undefined && tool.runtime !== 'server' && tool.runtime !== 'client') {
    throw invalid(name, '`runtime` must be "server" or "client"')
  }
  if (tool.isolation !== undefined && tool.isolation !== 'none' && tool.isolation !== 'worker') {
    throw invalid(name, '`isolation` must be "none" or "worker"')
  }
  // Read as truthy, a word would flip them: `retryable: 'false'` would retry a call with side
  // effects, `needsApproval: 'no'` would ask before every call.
  if (tool.needsApproval !== undefined && typeof tool.needsApproval !== 'boolean' && typeof tool.needsApproval !== 'function') {
    throw invalid(name, `\`needsApproval\` must be true, false or a function of the arguments, got ${typeof tool.needsApproval === 'string' ? JSON.stringify(tool.needsApproval) : typeof tool.needsApproval}`)
  }
  // The browser runs a client tool, and the AI SDK's `onToolCall` fires as the call arrives: there
  // is no run for the job to hold back, so an approval would come after the tool ran (docs/tools.md).
  if (tool.runtime === 'client' && tool.needsApproval !== undefined && tool.needsApproval !== false) {
    throw invalid(name, CLIENT_NEEDS_APPROVAL)
  }
  const outputSchema = outputSchemaProblem(tool)
  if (outputSchema) throw invalid(name, outputSchema)
  if (tool.retryable !== undefined && typeof tool.retryable !== 'boolean') {
    throw invalid(name, `\`retryable\` must be true or false, got ${typeof tool.retryable === 'string' ? JSON.stringify(tool.retryable) : typeof tool.retryable}`)
  }
}

/** Creates a registry holding `tools` (in order). */
export function createToolRegistry(tools: readonly AnyToolDefinition[] = [], options: ToolRegistryOptions = {}): ToolRegistry {
  // `defaults`: a default a function computes is left out once its value changed (computed-defaults.ts).
  const byName = new Map<string, { tool: ToolDefinition, schema: Record<string, unknown>, defaults: DefaultsWatch, file?: string }>()
  const onDuplicate = options.onDuplicate ?? 'error'

  function add(given: AnyToolDefinition, duplicate: 'error' | 'keep-first', file?: string) {
    validateDefinition(given, file)
    const tool = withClientExecute(given)
    const taken = byName.get(tool.name)
    if (taken) {
      const files = { skipped: file, kept: taken.file }
      if (duplicate === 'keep-first') {
        options.onSkipped?.(tool.name, files)
        return
      }
      throw new DuplicateToolError(tool.name, files)
    }
    let schema: Record<string, unknown>
    const defaults = createDefaultsWatch()
    try {
      schema = toolParametersJsonSchema(tool, defaults)
    }
    catch (error) {
      throw new InvalidToolDefinitionError(tool.name, `its parameters cannot be turned into JSON Schema: ${(error as Error).message}`, file)
    }
    if (schema.type !== 'object') {
      throw new InvalidToolDefinitionError(tool.name, '`parameters` must be an object schema (z.object({ … })): models pass arguments as a JSON object', file)
    }
    const nonJson = nonJsonParametersProblem(tool.parameters)
    if (nonJson) throw new InvalidToolDefinitionError(tool.name, nonJson, file)
    // Read once more now: a default that differs at each read (an id, a counter) is never shown.
    if (defaults.changed()) schema = toolParametersJsonSchema(tool, defaults)
    byName.set(tool.name, { tool, schema, defaults, file })
  }

  tools.forEach((tool, index) => add(tool, onDuplicate, options.files?.[index]))

  return {
    // Programmatic registration is explicit, so a clash is always an error.
    register: tool => add(tool, 'error'),
    get: name => byName.get(name)?.tool,
    list: () => [...byName.values()].map(entry => entry.tool),
    toModelTools(names: string[]): ModelTool[] {
      return names.map((name) => {
        const entry = byName.get(name)
        if (!entry) throw new Error(`Tool "${name}" is not registered; resolve the request's tool names first`)
        // A default from the clock shown at boot is not shown once the clock has moved on.
        if (entry.defaults.changed()) entry.schema = toolParametersJsonSchema(entry.tool, entry.defaults)
        return {
          type: 'function',
          function: { name, description: entry.tool.description, parameters: entry.schema },
        }
      })
    },
  }
}
