/**
 * Public, auto-imported: declares a tool in `server/tools/<name>.ts` (one per file, default export).
 * Returns the definition unchanged (a `runtime: 'client'` one without `execute` gets one that is
 * never called); it exists so the arguments' type flows from the zod `parameters` into `execute`
 * and `needsApproval`. The layer checks every definition at boot.
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
import { withClientExecute } from '../lib/tools/client-tool'
import type { AnyToolDefinition, ToolDefinition } from '../lib/tools/types'

export type { ToolContext, ToolDefinition } from '../lib/tools/types'
/** The error whose message the model reads as is (`throw new ToolError('City not found')`); any other throw reads `Tool "x" failed`. */
export { ToolError } from '../lib/tools/tool-error'

/**
 * A tool the browser answers, as an AI SDK tool without `execute`: `runtime: 'client'` and no
 * `execute`. The model is offered it; its calls make the job wait for the output the browser posts
 * (the AI SDK's `addToolOutput`, or `POST /api/jobs/:id/input`), bounded like a tool approval's
 * wait (docs/ai-sdk.md, "Client-side tools").
 */
export type ClientToolDefinition<Parameters extends z.ZodType> = Omit<ToolDefinition<Parameters, never>, 'execute' | 'runtime'> & { runtime: 'client', execute?: undefined }

/** Declares a tool with its argument type inferred from the zod schema. */
export function defineTool<Parameters extends z.ZodType>(definition: ClientToolDefinition<Parameters>): ToolDefinition<Parameters, never>
export function defineTool<Parameters extends z.ZodType, Result>(definition: ToolDefinition<Parameters, Result>): ToolDefinition<Parameters, Result>
export function defineTool(definition: AnyToolDefinition | ClientToolDefinition<z.ZodType>): AnyToolDefinition {
  // A client tool's `execute` is never called by the executor; one is given so the definition is whole.
  return withClientExecute(definition as AnyToolDefinition)
}
