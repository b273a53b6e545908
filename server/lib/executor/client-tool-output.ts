/**
 * A `runtime: 'client'` tool's call: the job asks the browser for its output (a `tool-output`
 * input request, decision 44), exactly as a tool approval asks a person — the job is `waiting`,
 * the request expires like an approval's (`limits.inputTimeoutMs`, `onTimeout: 'deny'`), and any
 * client answers it: the AI SDK chat route with the output `addToolOutput` gave, or
 * `POST /api/jobs/:id/input` with `{ output }` or `{ error }`. The output is the call's result;
 * an error, or no answer in time, is the call's error result, and the model answers without it.
 */
import type { z } from 'zod'
import { cutText } from '../../../shared/cut-text'
import { describeIssues } from '../describe-issues'
import { InvalidAnswerError } from '../errors'
import type { RunContext } from '../run-context'
import type { ToolDefinition } from '../tools/types'
import { isAsyncParseError } from '../zod-schema'
import { ClientToolErrorOutput, ClientToolInvalidOutputError, ClientToolNoOutputError } from './tool-errors'

/** What the browser gave: an output, or the error its tool ended with. */
export type ClientToolAnswer = { output: unknown } | { error: string }

/** A client's error text is kept up to this many characters (cut-text.ts). */
const MAX_ERROR_CHARS = 2000

/**
 * Reads an answer: `{ output }` (any JSON, `null` too) or `{ error: string }`. Throws
 * `InvalidAnswerError` for anything else (the route answers 400; the job keeps waiting).
 */
export function parseClientToolAnswer(answer: unknown): ClientToolAnswer {
  if (answer && typeof answer === 'object' && !Array.isArray(answer)) {
    const record = answer as Record<string, unknown>
    const hasOutput = 'output' in record
    const hasError = 'error' in record
    if (hasOutput && !hasError) return { output: record.output === undefined ? null : record.output }
    if (hasError && !hasOutput && typeof record.error === 'string' && record.error.trim()) return { error: cutText(record.error.trim(), MAX_ERROR_CHARS) }
  }
  throw new InvalidAnswerError('A client tool\'s output takes { output: <any JSON> } or { error: "<what went wrong>" }')
}

/** Asks the browser; resolves with the output. Throws the call's error (a `ToolCallError`) for an error or no answer in time; rejects when the job ends meanwhile. */
export async function requestClientOutput(context: RunContext, call: { id: string, tool: string, args: unknown, nodeId?: string }): Promise<unknown> {
  const answer = await context.requestInput({
    kind: 'tool-output',
    prompt: `Run the tool "${call.tool}" in the browser with ${JSON.stringify(call.args)}`,
    onTimeout: 'deny',
    // Recorded as the timeout's answer: no output.
    timeoutAnswer: null,
    toolCallId: call.id,
    tool: call.tool,
    args: call.args,
    validate: parseClientToolAnswer,
    ...(call.nodeId ? { nodeId: call.nodeId } : {}),
  })
  if (answer.timedOut) throw new ClientToolNoOutputError(call.tool)
  const read = parseClientToolAnswer(answer.answer)
  if ('error' in read) throw new ClientToolErrorOutput(call.tool, read.error)
  return read.output
}

/**
 * The browser's output as the tool's `outputSchema` reads it — what the model reads (its defaults
 * and transforms applied, keys it does not know dropped); the output as posted without one. An
 * output the schema refuses throws `ClientToolInvalidOutputError` naming the problems
 * (describe-issues.ts), and so does a schema that cannot check it (async, or throwing in its own
 * code): the call's error, which the model reads (decision 51).
 */
export function readClientOutput(tool: Pick<ToolDefinition, 'name' | 'outputSchema'>, output: unknown): unknown {
  if (!tool.outputSchema) return output
  let parsed: z.ZodSafeParseResult<unknown>
  try {
    parsed = tool.outputSchema.safeParse(output)
  }
  catch (error) {
    const why = isAsyncParseError(error) ? 'its outputSchema has an async refine or transform, which this server does not run (outputs are checked synchronously)' : 'its outputSchema threw while checking it (the tool\'s own check, not a problem found in the output)'
    throw new ClientToolInvalidOutputError(tool.name, undefined, why, error)
  }
  if (!parsed.success) throw new ClientToolInvalidOutputError(tool.name, describeIssues(parsed.error, 'output'))
  return parsed.data
}
