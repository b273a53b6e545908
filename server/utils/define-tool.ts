/**
 * Public, auto-imported: declares a tool in `server/tools/<name>.ts` (one per file, default export).
 * Returns the definition unchanged; it exists so the arguments' type flows from the zod
 * `parameters` into `execute` and `needsApproval`. The layer checks every definition at boot.
 *
 * ```ts
 * export default defineTool({
 *   name: 'get_weather',
 *   description: 'The weather in a city',
 *   parameters: z.object({ city: z.string() }),
 *   async execute({ city }, { signal }) { … },
 * })
 * ```
 */
import type { z } from 'zod'
import type { ToolDefinition } from '../lib/tools/types'

export type { ToolContext, ToolDefinition } from '../lib/tools/types'
/** The error whose message the model reads as is (`throw new ToolError('City not found')`); any other throw reads `Tool "x" failed`. */
export { ToolError } from '../lib/tools/tool-error'

/** Declares a tool with its argument type inferred from the zod schema. */
export function defineTool<Parameters extends z.ZodType, Result>(definition: ToolDefinition<Parameters, Result>): ToolDefinition<Parameters, Result> {
  return definition
}
