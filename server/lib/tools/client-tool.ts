/**
 * A tool the browser answers (`runtime: 'client'`, the AI SDK's tool without `execute`): offered to
 * the model, never run in a job — its call makes the job wait for the browser's output, as a tool
 * approval waits for a person (executor/client-tool-output.ts, docs/ai-sdk.md#client-side-tools,
 * decision 44). Such a tool needs no `execute`: the one it is given here is never called by the
 * executor, and says why if anything else calls it.
 */
import { ClientToolUnavailableError } from '../executor/tool-errors'
import { isZodSchema, zodSchemaProblem } from '../zod-schema'
import { nonJsonParametersProblem } from './non-json-parameters'
import type { AnyToolDefinition } from './types'

/** Why a tool without `execute` is refused, and what to do instead (the AI SDK's pattern does not carry over). */
export const MISSING_EXECUTE = '`execute` is required: the job runs the tool on the server. A tool the browser answers (an AI SDK tool without `execute`, answered with addToolOutput) is `runtime: \'client\'` here — offered to the model, its calls make the job wait for the output the browser posts (docs/ai-sdk.md, "Client-side tools")'

/**
 * Why `needsApproval` on a client tool is refused: the browser runs it as the call arrives (the
 * AI SDK's `onToolCall`), before any approval the job could ask for. Before, it was ignored, and
 * the call went to the browser unasked.
 */
export const CLIENT_NEEDS_APPROVAL = '`needsApproval` cannot be set on a `runtime: \'client\'` tool: the browser runs it as the call arrives (the AI SDK\'s onToolCall), so the job has no run to hold back and would ask after the tool ran. Ask the user in the browser before addToolOutput (an `output-error` when they refuse), or make it a server tool with `execute` (docs/tools.md, "Client tools")'

/** True for a `runtime: 'client'` definition that leaves `execute` out. */
export function isClientToolWithoutExecute(tool: { runtime?: unknown, execute?: unknown }): boolean {
  return tool.runtime === 'client' && tool.execute === undefined
}

/** `tool`, with the `execute` a client tool left out (throws the error its calls end with). */
export function withClientExecute<T extends AnyToolDefinition>(tool: T): T {
  if (!isClientToolWithoutExecute(tool)) return tool
  return { ...tool, execute: () => { throw new ClientToolUnavailableError(tool.name) } }
}

/**
 * What is wrong with a definition's `outputSchema`, or null (decision 51): it is a client tool's
 * (a server tool's result is its own code's, typed by `execute`), a zod 4 schema, and takes JSON —
 * the browser posts the output as JSON, so a `z.date()` there would refuse every output.
 */
export function outputSchemaProblem(tool: AnyToolDefinition): string | null {
  if (tool.outputSchema === undefined) return null
  if (tool.runtime !== 'client') return '`outputSchema` is read only on a `runtime: \'client\'` tool, whose output the browser posts: a server tool\'s result is its own `execute`\'s, typed by what it returns, and is not checked (docs/tools.md, "Client tools")'
  if (!isZodSchema(tool.outputSchema)) return zodSchemaProblem(tool.outputSchema, '`outputSchema`', 'z.object({ lat: z.number(), lon: z.number() })')
  return nonJsonParametersProblem(tool.outputSchema, {
    has: '`outputSchema` has',
    whole: 'the output',
    never: 'the output the browser posts (JSON) can never be, so every output would be refused',
  })
}
