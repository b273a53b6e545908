/**
 * Why a tool call did not produce a result: one small class per failure, each with a message
 * written for the model (it reads it in the tool message and may correct itself).
 * None of these ever ends a job; they become `tool-result` events with status error/timeout/denied.
 */
import { cutIndex, cutTextWith } from '../../../shared/cut-text'
import type { ToolResultStatus } from '../../../shared/events'
import { redactStart } from '../log-cut'
import { redactText } from '../secret-patterns'
import { shownToolName } from '../tool-name-list'
import { isToolError } from '../tools/tool-error'

/**
 * The longest message a tool failure carries (characters): it goes into the job's log and state
 * and to the model, so an error that holds a whole response body (an HTTP client's) is cut.
 */
export const MAX_TOOL_ERROR_CHARS = 4_000

/** A tool failure's text cut to `MAX_TOOL_ERROR_CHARS`, saying how much was cut (also a stray error's log line). */
export function cutToolErrorText(message: string): string {
  const kept = cutIndex(message, MAX_TOOL_ERROR_CHARS)
  return kept < message.length ? `${message.slice(0, kept)}… (${message.length - kept} more characters cut)` : message
}

/**
 * A tool failure's text redacted (secret-patterns.ts, as the log's) and cut to
 * `MAX_TOOL_ERROR_CHARS`. A long text is read only as far as the cut and a margin (log-cut.ts
 * `redactStart`), so a 10 MB message costs no more than what is kept, and a secret straddling the
 * cut (a URL whose `@host` comes after it) is still redacted.
 */
export function redactedToolErrorText(message: string): string {
  const start = redactStart(message, MAX_TOOL_ERROR_CHARS, redactText)
  if (!start) return cutToolErrorText(redactText(message))
  const kept = cutIndex(start.redacted, MAX_TOOL_ERROR_CHARS)
  return `${start.redacted.slice(0, kept)}… (${start.redacted.length - kept + message.length - start.read} more characters cut)`
}

/**
 * Every tool failure extends this; `status` is what the `tool-result` event says. Its message goes
 * to the model (a third party), the job's stored events and the user's page, so it is redacted as
 * the server's log line of the same failure is: `$fetch` puts the whole URL in its error's message,
 * and a tool calling an API with `?api_key=…` that answered 401 sent the key to all three.
 */
export class ToolCallError extends Error {
  readonly status: Exclude<ToolResultStatus, 'completed'> = 'error'
  constructor(readonly toolName: string, message: string, options?: { cause?: unknown }) {
    super(redactedToolErrorText(message), options)
  }
}

/**
 * A call refused before the tool's code ran, known only once its attempt had started: an
 * isolation worker that checked the arguments itself, no worker to run it. Like a refusal
 * in-process (no such tool, bad arguments), it is counted but not timed.
 */
export class ToolNotRunError extends ToolCallError {
  override readonly name: string = 'ToolNotRunError'
}

/** True for a tool failure of ours — false for anything else, even a value whose prototype lookup throws. */
export function isToolCallError(value: unknown): value is ToolCallError {
  try {
    return value instanceof ToolCallError
  }
  catch {
    return false
  }
}

/**
 * What a tool threw, as text — for any value: an Error whose `message` getter throws, an object
 * without a prototype or a hostile Proxy must not turn a tool fault into a failed job. A plain
 * object thrown instead of an Error (`throw await response.json()`, a client's `{ code, message }`)
 * is told by its `message`, else its own `toString`, else as JSON (cut), else by its keys — never
 * as `[object Object]`, also when its `toString` throws. An Error whose message cannot be read is
 * told by its name (`TypeError (its message could not be read)`), not as `[object Error]`.
 */
export function describeThrown(value: unknown): string {
  // A Proxy whose prototype lookup throws is told as an object, not as `[object Object]`.
  const isError = attempt(() => value instanceof Error) === true
  try {
    if (isError) return String((value as Error).message)
    if (value !== null && typeof value === 'object') return describeObject(value)
    return String(value)
  }
  catch {
    // Its message getter threw (or its message cannot become text): `[object Error]` said nothing.
    if (isError) return `${errorName(value as Error)} (its message could not be read)`
    try {
      return Object.prototype.toString.call(value)
    }
    catch {
      return 'a value that cannot be shown'
    }
  }
}

/**
 * An Error's `name`, else its class's name where `name` is only the inherited `Error` (a
 * `class QuotaError extends Error` that sets none), cut to `MAX_SHOWN_NAME_CHARS`; `Error` when
 * neither can be read.
 */
function errorName(error: Error): string {
  const name = attempt(() => error.name)
  const className = attempt(() => error.constructor.name)
  const shown = [name, className].find(text => typeof text === 'string' && text.trim() !== '' && text !== 'Error') ?? 'Error'
  return cutTextWith(shown, MAX_SHOWN_NAME_CHARS, '…')
}

/** The most characters of an Error's name that tell it when its message cannot be read. */
const MAX_SHOWN_NAME_CHARS = 100

/**
 * `describeThrown` for the text after "failed: ", never empty: `throw new Error()` (or `throw ''`)
 * read `Tool "x" failed: ` with nothing after the colon. A value with no message is told by its
 * `name` and `code` (`it threw a TypeError with no message`), which an isolation worker carries too.
 */
export function describeFailureCause(value: unknown): string {
  const text = describeThrown(value)
  if (text.trim()) return text
  if (typeof value === 'string') return 'it threw an empty string'
  const name = fieldText(value, 'name') || 'value'
  const code = fieldText(value, 'code')
  return `it threw ${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name} with no message${code ? ` (code ${code})` : ''}`
}

/** A thrown value's string field, trimmed ('' when it has none, or reading it throws). */
function fieldText(value: unknown, key: 'name' | 'code'): string {
  if (value === null || typeof value !== 'object') return ''
  try {
    const field = (value as Record<string, unknown>)[key]
    return typeof field === 'string' ? field.trim() : ''
  }
  catch {
    return ''
  }
}

/**
 * A thrown object that is not an Error: its `message`, its own `toString`, or its JSON (see
 * `describeThrown`), each read on its own, so a `toString` (or a `message` getter) that throws
 * leaves the others to tell it — it made the whole value `[object Object]`. One none of them can
 * write (a BigInt field, with no `toString` of its own) is told by its keys.
 */
function describeObject(value: object): string {
  const message = attempt(() => (value as { message?: unknown }).message)
  if (typeof message === 'string') return message
  const text = attempt(() => (typeof (value as { toString?: unknown }).toString === 'function' ? String(value) : undefined))
  if (text !== undefined && text !== '[object Object]') return text
  // A BigInt, a toJSON or getter that throws: no JSON form.
  const json = attempt(() => boundedJson(value))
  if (json) return cutTextWith(json, MAX_TOOL_ERROR_CHARS, '…')
  const keys = attempt(() => Object.keys(value)) ?? []
  const shown = keys.slice(0, MAX_SHOWN_KEYS).map(key => cutTextWith(key, MAX_SHOWN_KEY_CHARS, '…'))
  if (keys.length > MAX_SHOWN_KEYS) shown.push(`${keys.length - MAX_SHOWN_KEYS} more`)
  return `an object with no message and no text or JSON form${shown.length ? ` (keys: ${shown.join(', ')})` : ''}`
}

/** The most keys, and characters of each, that tell a thrown object nothing else can write. */
const MAX_SHOWN_KEYS = 10
const MAX_SHOWN_KEY_CHARS = 100

/** `read()`, or undefined when it throws. */
function attempt<T>(read: () => T): T | undefined {
  try {
    return read()
  }
  catch {
    return undefined
  }
}

/** What a thrown object's JSON holds where a value holds itself (an HTTP client's response and its request). */
const CIRCULAR = '[Circular]'

/**
 * `value`'s JSON as far as its first `MAX_TOOL_ERROR_CHARS` characters go (what `describeObject`
 * keeps), the rest left out: each string is cut to what is left of that many characters, and once
 * none is left every further value is. Writing a thrown response body whole (`throw await
 * response.json()`, 50 MB) held the server's thread over a second — twice per failure, for its text
 * and for its kind in the log (failure-kind.ts) — to keep 4,000 characters of it. Characters are
 * under-counted (keys, quotes and punctuation are not; any other value is one), so the JSON's first
 * `MAX_TOOL_ERROR_CHARS` characters are the whole value's. A value inside itself is written
 * `"[Circular]"` (a cycle made JSON throw, and the object was told as `[object Object]`); one met
 * twice elsewhere is written again.
 */
function boundedJson(value: object): string | undefined {
  let left = MAX_TOOL_ERROR_CHARS + 1
  // The objects being written, outermost first: one met again inside itself is a cycle.
  const ancestors: unknown[] = []
  return JSON.stringify(value, function (this: unknown, _key, field: unknown) {
    if (left <= 0) return undefined
    // Left out of an object by JSON itself (a null in an array): written as nothing, so not counted.
    if (field === undefined || typeof field === 'function' || typeof field === 'symbol') return field
    if (typeof field === 'object' && field !== null) {
      while (ancestors.length && ancestors.at(-1) !== this) ancestors.pop()
      if (ancestors.includes(field)) return CIRCULAR
      ancestors.push(field)
    }
    if (typeof field !== 'string') {
      left -= 1
      return field
    }
    const kept = field.length > left ? field.slice(0, left) : field
    left -= kept.length
    return kept
  })
}

/**
 * The model called a name that is not a registered tool, or not one offered in this job. The name
 * is the model's, any length and any characters: the message shows it bounded and escaped
 * (`shownToolName`), so the list of the tools it may call is never cut away behind it.
 */
export class NoSuchToolError extends ToolCallError {
  override readonly name = 'NoSuchToolError'
  constructor(toolName: string, readonly availableTools: readonly string[]) {
    super(toolName, `Model tried to call unavailable tool ${shownToolName(toolName)}. ${availableTools.length
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

/**
 * The tool's `parameters` schema has an async refine or transform: arguments are checked
 * synchronously, so the call cannot run until the tool's definition changes (zod would throw its
 * own "Encountered Promise during synchronous parse", which ended the whole job).
 */
export class AsyncToolSchemaError extends ToolCallError {
  override readonly name = 'AsyncToolSchemaError'
  constructor(toolName: string) {
    super(toolName, `Tool "${toolName}" cannot check its arguments: its parameters schema has an async refine or transform, which this server does not run (arguments are checked synchronously); make the schema synchronous and do async checks in execute`)
  }
}

/**
 * A `runtime: 'client'` tool's `execute`, called other than by the executor (which asks the browser
 * for the output instead: client-tool-output.ts): it has none on the server.
 */
export class ClientToolUnavailableError extends ToolCallError {
  override readonly name = 'ClientToolUnavailableError'
  constructor(toolName: string) {
    super(toolName, `Tool "${toolName}" runs in the user's browser: it has no code on the server; its calls wait for the browser's output`)
  }
}

/** A `runtime: 'client'` call the browser did not answer before its request expired. */
export class ClientToolNoOutputError extends ToolCallError {
  override readonly name = 'ClientToolNoOutputError'
  override readonly status = 'timeout' as const
  constructor(toolName: string) {
    super(toolName, `Tool "${toolName}" runs in the user's browser, which gave no output in time (nobody answered the request); answer without it`)
  }
}

/** A `runtime: 'client'` call the browser answered with an error (the AI SDK's `output-error`). */
export class ClientToolErrorOutput extends ToolCallError {
  override readonly name = 'ClientToolErrorOutput'
  constructor(toolName: string, error: string) {
    super(toolName, `Tool "${toolName}" failed in the user's browser: ${error}`)
  }
}

/**
 * A `runtime: 'client'` call whose output the tool's `outputSchema` refuses (`issues`, as
 * describe-issues.ts names them), or could not check (`issues` undefined: the schema is async, or
 * threw — `cause`): the output is not used (decision 51).
 */
export class ClientToolInvalidOutputError extends ToolCallError {
  override readonly name = 'ClientToolInvalidOutputError'
  constructor(toolName: string, readonly issues: string | undefined, why?: string, cause?: unknown) {
    super(toolName, issues !== undefined
      ? `Tool "${toolName}" ran in the user's browser, but its output does not match the tool's outputSchema, so it is not used: ${issues}`
      : `Tool "${toolName}" ran in the user's browser, but its output could not be checked: ${why}; it is not used`, cause === undefined ? undefined : { cause })
  }
}

/**
 * A registered tool the operator turned off (`tools.disabled`, or `tools.enabled` false), or the
 * app turned off for this user (its feature-flags hook: the job was created with no tools), called
 * by name by a workflow tool node: no model chose it, so "Model tried to call unavailable tool"
 * would mislead; this names the setting.
 */
export class ToolTurnedOffError extends ToolCallError {
  override readonly name = 'ToolTurnedOffError'
  constructor(toolName: string, setting: 'tools.disabled' | 'tools.enabled is false' | 'user flag') {
    super(toolName, setting === 'user flag'
      ? `Tool "${toolName}" is turned off for this user (the app's background-jobs:feature-flags hook set flags.tools to false); it was not run`
      : `Tool "${toolName}" is turned off on this server (${setting}); it was not run`)
  }
}

/**
 * The tool threw (or rejected). A `ToolError`'s message is the whole text (written for the model);
 * any other reads `Tool "x" failed: …` here, and only `Tool "x" failed` where the model and the page
 * see it unless `tools.errorMessages` is `all` (`shownToolError`).
 */
export class ToolExecutionError extends ToolCallError {
  override readonly name = 'ToolExecutionError'
  constructor(toolName: string, cause: unknown) {
    super(toolName, isToolError(cause) ? describeFailureCause(cause) : `Tool "${toolName}" failed: ${describeFailureCause(cause)}`, { cause })
  }
}

/** What a parameters schema's own throw reads, before its message (which `shownToolError` may leave out). */
export const schemaThrewText = (toolName: string): string => `Tool "${toolName}" failed: its parameters schema threw while checking the arguments (the tool's own check, not a problem the arguments were found to have)`

/**
 * The tool's `parameters` schema threw in its own code (a refine whose lookup failed, a transform's
 * `JSON.parse`): the check could not run, so the call fails naming the tool, as a throw of
 * `execute` does, without telling the model its arguments were wrong. Logged (execute-tool.ts).
 */
export class ToolSchemaThrewError extends ToolCallError {
  override readonly name = 'ToolSchemaThrewError'
  constructor(toolName: string, cause: unknown) {
    super(toolName, isToolError(cause) ? describeFailureCause(cause) : `${schemaThrewText(toolName)}: ${describeFailureCause(cause)}`, { cause })
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
    super(toolName, `Tool "${toolName}" returned a result that is not JSON-serializable: ${describeThrown(cause)}`, { cause })
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
 * ofetch's (`$fetch`) `FetchError` is not one by its name: it is also what an HTTP error answer
 * (a 500, a 409) throws, and a request the server answered must not be sent again; one that got
 * no answer has the network error as its cause.
 */
export function isNetworkError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 3) return false
  let fields: { code?: unknown, name?: unknown, message?: unknown, cause?: unknown }
  try {
    const { code, name, message, cause } = error as typeof fields
    fields = { code, name, message, cause }
  }
  catch {
    // A thrown value whose properties throw (a Proxy, a getter): not a network error we know.
    return false
  }
  const { code, name, message, cause } = fields
  if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return true
  if (name === 'TypeError' && message === 'fetch failed') return true
  if (name === 'NetworkError') return true
  return isNetworkError(cause, depth + 1)
}
