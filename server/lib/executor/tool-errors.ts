/**
 * Why a tool call did not produce a result: one small class per failure, each with a message
 * written for the model (it reads it in the tool message and may correct itself).
 * None of these ever ends a job; they become `tool-result` events with status error/timeout/denied.
 */
import type { ToolResultStatus } from '../../../shared/events'

/** Every tool failure extends this; `status` is what the `tool-result` event says. */
export class ToolCallError extends Error {
  readonly status: Exclude<ToolResultStatus, 'completed'> = 'error'
  constructor(readonly toolName: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** The model called a name that is not a registered tool, or not one offered in this job. */
export class NoSuchToolError extends ToolCallError {
  override readonly name = 'NoSuchToolError'
  constructor(toolName: string, readonly availableTools: readonly string[]) {
    super(toolName, `Model tried to call unavailable tool "${toolName}". ${availableTools.length
      ? `Available tools: ${availableTools.join(', ')}.`
      : 'No tools are available.'}`)
  }
}

/** The arguments were not JSON, or did not match the tool's schema. */
export class InvalidToolArgumentsError extends ToolCallError {
  override readonly name = 'InvalidToolArgumentsError'
  constructor(toolName: string, readonly issues: readonly string[]) {
    super(toolName, `Invalid arguments for tool "${toolName}": ${issues.join('; ')}`)
  }
}

/** A `runtime: 'client'` tool: it needs a browser, and nobody may be watching. */
export class ClientToolUnavailableError extends ToolCallError {
  override readonly name = 'ClientToolUnavailableError'
  constructor(toolName: string) {
    super(toolName, `Tool "${toolName}" runs in the user's browser and is not available in background jobs; answer without it`)
  }
}

/** The tool threw (or rejected). */
export class ToolExecutionError extends ToolCallError {
  override readonly name = 'ToolExecutionError'
  constructor(toolName: string, cause: unknown) {
    super(toolName, `Tool "${toolName}" failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
  }
}

/** The tool did not finish within its time limit (its signal was fired). */
export class ToolTimeoutError extends ToolCallError {
  override readonly name = 'ToolTimeoutError'
  override readonly status = 'timeout' as const
  constructor(toolName: string, readonly timeoutMs: number) {
    super(toolName, `Tool "${toolName}" timed out after ${timeoutMs} ms`)
  }
}

/** The tool returned something that cannot be sent to the model as JSON. */
export class ToolResultNotSerializableError extends ToolCallError {
  override readonly name = 'ToolResultNotSerializableError'
  constructor(toolName: string, cause: unknown) {
    super(toolName, `Tool "${toolName}" returned a result that is not JSON-serializable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
  }
}

/** A human denied the call (or nobody answered and the request's `onTimeout` was `deny`). */
export class ToolDeniedError extends ToolCallError {
  override readonly name = 'ToolDeniedError'
  override readonly status = 'denied' as const
  constructor(toolName: string, readonly reason?: string) {
    super(toolName, `The user denied the call to tool "${toolName}"${reason ? `: ${reason}` : ''}. Do not retry it; tell the user it was not done`)
  }
}

/** Error codes of Node and undici that mean the network failed, not the tool's logic. */
const NETWORK_ERROR_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ENETUNREACH', 'EHOSTUNREACH',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
])

/**
 * True for a network-type failure (connection refused/reset, DNS, `fetch failed`): the only kind
 * a `retryable` tool is retried on. Looks through `cause`, since fetch wraps the socket error.
 */
export function isNetworkError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 3) return false
  const { code, name, message, cause } = error as { code?: unknown, name?: unknown, message?: unknown, cause?: unknown }
  if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return true
  if (name === 'TypeError' && message === 'fetch failed') return true
  if (name === 'FetchError' || name === 'NetworkError') return true
  return isNetworkError(cause, depth + 1)
}
