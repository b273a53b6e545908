/**
 * The keys a tool definition has. A key outside them is a typo the engine would silently ignore:
 * `needsAproval: true` ran the tool without asking anyone, `timeout: 5000` kept the default limit.
 * TypeScript flags them only where the app type-checks (`nuxt build` does not; a `.js` tool file
 * never), so the registry refuses them, naming the closest key.
 */
import { closestName } from '../closest-name'
import type { ToolDefinition } from './types'

/** Every key of `ToolDefinition`. */
export const TOOL_DEFINITION_KEYS = [
  'name', 'description', 'parameters', 'execute', 'timeoutMs', 'runtime', 'outputSchema', 'needsApproval', 'retryable', 'isolation',
] as const satisfies readonly (keyof ToolDefinition)[]

/**
 * Other libraries' names for a setting (the AI SDK's and MCP's `inputSchema`, a handler's
 * `handler`/`run`): too far from this layer's for `closestName`, and a tool moved from there
 * writes them.
 */
const OTHER_NAMES: Readonly<Record<string, (typeof TOOL_DEFINITION_KEYS)[number]>> = {
  inputSchema: 'parameters',
  schema: 'parameters',
  args: 'parameters',
  handler: 'execute',
  run: 'execute',
}

/** The problem with a definition's first key that is not a tool's, or null. */
export function unknownToolKeyProblem(tool: object): string | null {
  const known: readonly string[] = TOOL_DEFINITION_KEYS
  const unknown = Object.keys(tool).find(key => !known.includes(key))
  if (unknown === undefined) return null
  const other = Object.hasOwn(OTHER_NAMES, unknown) ? OTHER_NAMES[unknown] : undefined
  const closest = other ? undefined : closestName(unknown, known, 3)
  const hint = other ? ` (this layer calls it \`${other}\`)` : closest ? ` (did you mean \`${closest}\`?)` : ''
  return `unknown key \`${unknown}\`${hint}; a tool definition takes ${known.join(', ')}`
}
