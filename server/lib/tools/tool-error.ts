/**
 * `ToolError`: the error a tool throws to tell the model (and the user's page) something, as is —
 * `throw new ToolError('City not found')`. Any other error a tool throws is a fault: its message
 * stays in the server's log and the model reads only `Tool "x" failed` (`tools.errorMessages`,
 * docs/tools.md). The name follows LangChain's `ToolException` in JavaScript's spelling; the AI SDK
 * and the Convex Agent have no such class (their `ToolExecutionError` is the wrapper, as here).
 */

/** Marks a `ToolError` across copies of this module (a tool file bundled with its own copy, a worker). */
const TOOL_ERROR_MARKER = Symbol.for('nuxt-background-jobs.ToolError')

/**
 * An error whose message is written for the model: it reaches the model, the job's events and the
 * user's page as is (redacted for secret shapes and cut, like every tool error). Throw it from
 * `execute` (or the parameters schema's refine) when the model can act on the message.
 */
export class ToolError extends Error {
  override name = 'ToolError'
  readonly [TOOL_ERROR_MARKER] = true
}

/** True for a `ToolError` (from any copy of this module) — false for anything else, even a hostile Proxy. */
export function isToolError(value: unknown): value is ToolError {
  try {
    return value !== null && typeof value === 'object' && (value as Record<symbol, unknown>)[TOOL_ERROR_MARKER] === true
  }
  catch {
    return false
  }
}
