/**
 * Refuses a post that hands the job a tool output it did not give and does not wait for. A
 * `runtime: 'client'` call makes its job wait for the browser's output (client-tool-answers.ts
 * takes it); any other output reaches nothing: the settled stream such a post got said nothing,
 * while the client showed an output the model never read. So it is a 4xx naming the part and why:
 * - `400` for a call the job never asked the browser for: an unknown id (another job's too), the
 *   job's own server tool's call (another output than the one it gave, or an `output-error` it
 *   never gave), a client call it ended without asking (its arguments were refused);
 * - `409` for a browser's call answered already (another tab, the input route, an earlier post)
 *   with another output or error: the job went on with that answer;
 * - `400` for a client call whose wait ended without an output (no output in time, stopped) when
 *   the post is not the late output alone (late-client-outputs.ts, asked first, streams that one).
 * What the job gave (its stream's outputs and error texts: a stopped answer's calls, a message kept
 * in storage) and the answer it took, posted again (the SDK posts the whole message back), go
 * through as before; so does a message whose job is gone (past retention, deleted: nothing to
 * compare). A post that also answers tool approvals is checked the same way, before any answer is
 * taken. The first refusal named is the first kind above that the post holds.
 */
import { isDeepStrictEqual } from 'node:util'
import type { AnsweredInput, JobState } from '../../../shared/reducer'
import { isToolOutcome } from '../../../shared/reducer'
import type { ToolCallState } from '../../../shared/state-entries'
import type { ClientToolAnswer } from '../executor/client-tool-output'
import { parseClientToolAnswer } from '../executor/client-tool-output'
import type { JobsRouteContext } from '../http/handler'
import { RequestError } from '../http/request'
import type { UiMessageInput } from './chat-request'
import type { PostedJob } from './chat-job'
import { clientOutputOf, endedUnanswered, pendingOutputRequest } from './client-tool-answers'

/** An output on a message's tool part, where it is. */
interface PostedOutput {
  index: number
  name: string
  toolCallId: string
  answer: ClientToolAnswer
  /** The part's `errorText` as sent (`output-error`). */
  errorText?: unknown
}

/** Why an output is refused; `rank` orders the kinds (the file comment's list). */
interface Refusal {
  rank: number
  status: 400 | 409
  /** The message after the part's place. */
  text: string
}

const DOCS = '(docs/ai-sdk.md, "Client-side tools")'

/** The tool name of a tool part (`tool-<name>`, or a `dynamic-tool`'s `toolName`); null for other parts. */
function toolNameOf(part: UiMessageInput['parts'][number]): string | null {
  if (part.type.startsWith('tool-')) return part.type.slice('tool-'.length)
  if (part.type === 'dynamic-tool') return typeof part.toolName === 'string' ? part.toolName : ''
  return null
}

/** The outputs on `message`'s tool parts. */
function postedOutputs(message: UiMessageInput): PostedOutput[] {
  return message.parts.flatMap((part, index) => {
    const name = toolNameOf(part)
    const output = name === null ? null : clientOutputOf(part)
    return output ? [{ index, name: name!, ...output, ...(part.state === 'output-error' ? { errorText: part.errorText } : {}) }] : []
  })
}

/**
 * Whether two values are the same JSON (key order aside): a store keeps them as JSON text, so a
 * `-0` or an `undefined` key the client sent is not a difference.
 */
function sameJson(a: unknown, b: unknown): boolean {
  const asJson = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)))
  return isDeepStrictEqual(asJson(a), asJson(b))
}

/** Whether `output` is what the job's stream gave call `call` (chunk-writer.ts `toolOutcome`). */
function jobGave(call: ToolCallState, output: PostedOutput): boolean {
  if ('output' in output.answer) return call.status === 'completed' && sameJson(output.answer.output, call.result ?? null)
  return isToolOutcome(call.status) && call.status !== 'completed' && output.errorText === (call.error || `tool ${call.status}`)
}

/** An answer as the job records it (client-tool-output.ts): so the same answer posted again compares equal. */
function asRecorded(answer: ClientToolAnswer): unknown {
  try {
    return parseClientToolAnswer(answer)
  }
  catch {
    return answer
  }
}

/** The answer the job took, as a 409 names it. */
function takenAnswer(taken: AnsweredInput, posted: ClientToolAnswer): string {
  const answer = taken.answer as Partial<ClientToolAnswer> | null
  if (answer && typeof answer === 'object' && 'error' in answer) return `with an error (${JSON.stringify(String(answer.error).slice(0, 200))})`
  return 'output' in posted ? 'with another output' : 'with an output'
}

/** Why the job refuses `output`, or null when it takes it (an answer, or what it gave or took already). */
function refusalOf(context: JobsRouteContext, state: JobState, output: PostedOutput): Refusal | null {
  const { toolCallId, name } = output
  if (pendingOutputRequest(state, toolCallId)) return null
  const call = state.toolCalls.find(candidate => candidate.id === toolCallId)
  if (call && jobGave(call, output)) return null
  const shownCall = `tool call ${JSON.stringify(toolCallId.slice(0, 200))}`
  const client = context.engine.tools.get(name)?.runtime === 'client'
  const asked = state.answeredInputs.find(input => input.kind === 'tool-output' && input.toolCallId === toolCallId)
  if (asked && !endedUnanswered(asked.answeredBy)) {
    if (sameJson(asked.answer, asRecorded(output.answer))) return null
    return { rank: 1, status: 409, text: `${shownCall} (${name.slice(0, 200)}) was answered already, ${takenAnswer(asked, output.answer)}: the job went on with that answer; this one is not taken and never reaches the model ${DOCS}` }
  }
  const kind = client ? `, a runtime: 'client' tool` : ''
  const where = client ? 'the job waits for the browser\'s output only while the call is pending' : 'tools run in the background job on the server'
  const late = client && asked !== undefined
  const job = !call
    ? 'has no such call'
    : call.status === 'completed'
      ? 'completed this call with another output'
      : !isToolOutcome(call.status)
          ? 'is still running this call itself'
          : `ended this call as ${call.status}${late ? ' (its output did not come in time, or the job stopped)' : ''}`
  return { rank: late ? 2 : 0, status: 400, text: `an output for ${shownCall} (${name.slice(0, 200)}${kind}) that its job did not give: ${where}; the job ${job}, so this output (addToolOutput) never reaches the model ${DOCS}` }
}

/**
 * Throws a 400 or 409 when `message` (the assistant message `messageId`, a job of this user, that
 * a post is about — with nothing to answer, or with approval answers; `field` names it in the
 * body) holds a tool output its job neither gave, took, nor waits for.
 */
export async function refuseClientToolOutputs(context: JobsRouteContext, message: UiMessageInput, posted: PostedJob, field: string): Promise<void> {
  const outputs = postedOutputs(message)
  if (outputs.length === 0) return
  const found = await posted()
  if (!found) return
  const refused = outputs.flatMap((output) => {
    const refusal = refusalOf(context, found.state, output)
    return refusal ? [{ ...refusal, index: output.index }] : []
  })
  const first = refused.sort((a, b) => a.rank - b.rank)[0]
  if (first) throw new RequestError(first.status, `${field}.parts.${first.index}: ${first.text}`)
}
