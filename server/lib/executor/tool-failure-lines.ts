/**
 * What the server's log says of a tool call that ended in an error, and the status
 * `tool_runs_total` counts it under. A `ToolError` the tool threw (from `execute` or its parameters
 * schema, in-process or across an isolation worker) is its deliberate "cannot do that", written
 * for the model: one `info` line with its text (no error object: nothing to debug), limited on its
 * own (tool-failure-log.ts: once per text, then a count line a minute), never in a tool's failure count lines, and counted `refused` — not `error`, which operators alert on. Any
 * other throw is a fault: a `warn` (`error` for a schema's own throw) with the error, as before.
 */
import { IsolatedSchemaThrewError, LeftoverBlockedStartError, LeftoverBlockedTimeoutError, leftoverTimerOf, ToolHeapLimitError, ToolWorkerExitedError } from '../isolation/errors'
import { useMetrics } from '../metrics'
import type { RunContext } from '../run-context'
import { isToolError } from '../tools/tool-error'
import type { ToolCallError } from './tool-errors'
import { ClientToolInvalidOutputError, describeThrown, ToolExecutionError, ToolSchemaThrewError } from './tool-errors'

/** The `status` label of a call a `ToolError` ended (`tool_runs_total`, `tool_run_ms`). */
export const REFUSED_STATUS = 'refused'

/** True when the tool itself refused the call with a `ToolError` (not a fault, not the layer's refusal). */
export function isToolRefusal(error: ToolCallError): boolean {
  return error.status === 'error' && isToolError(error.cause)
}

/** Logs a call's failure as its kind asks (see the file comment). */
export function logToolCallFailure(context: RunContext, call: { id: string, name: string }, error: ToolCallError): void {
  // Once, then a count line a minute while it keeps refusing the same way (a model asking again and again).
  if (isToolRefusal(error)) {
    const log = () => context.logger?.info(`tool "${call.name}" refused the call with a ToolError; the model got its message`, { tool: call.name, jobId: context.jobId, callId: call.id, toolError: error.message })
    if (context.toolRefused) context.toolRefused(call.name, log, error.message)
    else log()
    return
  }
  // The tool's own schema code threw (its database down): the operator's to see, not only the model's.
  if (error instanceof ToolSchemaThrewError || error instanceof IsolatedSchemaThrewError) {
    context.logger?.error('a tool\'s parameters schema threw', { tool: call.name, jobId: context.jobId, error: loggedCause(error.cause) })
    return
  }
  // Its `execute` threw (an API's 500, a database down), or its isolation worker died under it (over
  // its heap cap, a crash): the model goes on, the operator needs the why.
  // Once, then a count line a minute while it keeps failing (its API down: a line per call buried the log).
  if (error instanceof ToolExecutionError || error instanceof ToolHeapLimitError || error instanceof ToolWorkerExitedError) {
    const cause = error instanceof ToolHeapLimitError ? error : error.cause
    const log = () => context.logger?.warn(`tool "${call.name}" failed; the model got the error as its result`, { tool: call.name, jobId: context.jobId, callId: call.id, error: loggedCause(cause) })
    if (context.toolFailed) context.toolFailed(call.name, log, cause)
    else log()
    return
  }
  // The browser's code gave an output the tool's outputSchema refuses (decision 51): the app's to fix.
  // Limited as a failure (once per kind, then a count line a minute): the same browser code gives
  // the same bad output on every call of every user.
  if (error instanceof ClientToolInvalidOutputError) {
    const why = error.issues !== undefined ? { issues: error.issues } : { error: loggedCause(error.cause) }
    const log = () => context.logger?.warn(`client tool "${call.name}": the browser's output was not used (its outputSchema refused it, or could not check it); the model got the error as its result`, { tool: call.name, jobId: context.jobId, callId: call.id, ...why })
    if (context.toolFailed) context.toolFailed(call.name, log, error)
    else log()
    return
  }
  // Timed out for an earlier call's leftover (an interval spinning in its worker): the tool to fix is that one.
  if (error instanceof LeftoverBlockedTimeoutError || error instanceof LeftoverBlockedStartError) {
    context.logger?.warn(`isolated tool "${call.name}" timed out while its worker ran ${leftoverTimerOf(error.leftoverOf)}; its worker was replaced`, { tool: call.name, jobId: context.jobId, callId: call.id, leftoverOf: error.leftoverOf })
    // Counted under the tool to fix too (a registered tool's file: a bounded label).
    useMetrics().increment('isolated_leftover_blocks_total', { tool: error.leftoverOf })
  }
}

/**
 * A thrown value as a failure line's `error` field: as it is, except one a JSON line leaves out —
 * `undefined` (a `reject()` or `throw` with no value), a symbol, a function — which would leave the
 * line with no error at all: told as text (`it threw undefined`).
 */
function loggedCause(cause: unknown): unknown {
  return cause === undefined || typeof cause === 'symbol' || typeof cause === 'function' ? `it threw ${describeThrown(cause)}` : cause
}
