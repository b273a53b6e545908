/**
 * What the model, the job's `tool-result` event and the user's page read of a tool failure. The
 * layer's own errors (bad arguments, timeout, denied…) are written for them and shown whole; so is
 * a `ToolError` the tool threw. Any other error the tool's code threw — an HTTP client's with its
 * URL, a database driver's with its query — is a fault: with `tools.errorMessages` `tool-errors`
 * (the default) they read only `Tool "x" failed`, and the server's log keeps the real message
 * (redacted, execute-tool.ts). `all` shows every message (redacted for secret shapes), as before.
 */
import type { BackgroundJobsConfig } from '../config'
import { IsolatedSchemaThrewError, ToolWorkerExitedError } from '../isolation/errors'
import { isToolError } from '../tools/tool-error'
import type { ToolCallError } from './tool-errors'
import { schemaThrewText, ToolExecutionError, ToolSchemaThrewError } from './tool-errors'

/** A failure's text for the model and the page (see the file comment). */
export function shownToolError(error: ToolCallError, config: Pick<BackgroundJobsConfig, 'tools'>): string {
  if (config.tools.errorMessages === 'all' || isToolError(error.cause)) return error.message
  if (error instanceof ToolExecutionError) return `Tool "${error.toolName}" failed`
  if (error instanceof ToolSchemaThrewError || error instanceof IsolatedSchemaThrewError) return schemaThrewText(error.toolName)
  // Its cause is what killed the worker: the tool's own code's error (a native addon's, a throw
  // past the stray-error trap) may carry what a plain tool error is hidden for.
  if (error instanceof ToolWorkerExitedError) return `Tool "${error.toolName}" stopped its isolation worker`
  return error.message
}
