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
 * wait (docs/ai-sdk.md, "Client-side tools"). `outputSchema` checks that output (decision 51).
 */
export type ClientToolDefinition<Parameters extends z.ZodType, Output extends z.ZodType | undefined = undefined> = Omit<ToolDefinition<Parameters, never>, 'execute' | 'runtime' | 'outputSchema'> & { runtime: 'client', execute?: undefined, outputSchema?: Output }

/**
 * A client tool as `defineTool` gives it back: its `outputSchema` keeps its type, so the browser's
 * code can type the output it posts (`z.input<typeof getLocation.outputSchema>`).
 */
export type DefinedClientTool<Parameters extends z.ZodType, Output extends z.ZodType | undefined> = ToolDefinition<Parameters, never> & { runtime: 'client', outputSchema: Output }

/** `outputSchema` is a client tool's only (the registry refuses it on a server tool at boot). */
type OutputSchemaOnClientOnly = { runtime?: 'server', outputSchema?: undefined } | { runtime: 'client' }

/** Declares a tool with its argument type inferred from the zod schema. */
export function defineTool<Parameters extends z.ZodType, Output extends z.ZodType | undefined = undefined>(definition: ClientToolDefinition<Parameters, Output>): DefinedClientTool<Parameters, Output>
export function defineTool<Parameters extends z.ZodType, Result>(definition: ToolDefinition<Parameters, Result> & OutputSchemaOnClientOnly): ToolDefinition<Parameters, Result>
export function defineTool(definition: AnyToolDefinition | ClientToolDefinition<z.ZodType, z.ZodType | undefined>): AnyToolDefinition {
  // A client tool's `execute` is never called by the executor; one is given so the definition is whole.
  return withClientExecute(definition as AnyToolDefinition)
}
