/**
 * Refuses a post that hands the job a tool output it never had and no longer waits for. A
 * `runtime: 'client'` call makes its job wait for the browser's output (client-tool-answers.ts
 * takes it); an output for a call the job ran itself, or for a client call it ended meanwhile
 * (no output in time, stopped), reaches nothing: the settled stream such a post got said nothing,
 * while the client showed an output the model never read. A 400 naming the part says so.
 * Outputs the job has (a stopped answer's calls, a message kept in storage) still get the settled
 * stream, and so does a message whose job is gone (past retention, deleted: nothing to compare).
 * Outputs of client calls whose wait ended meanwhile, alone in a post (or beside approvals), get
 * the job's stream from before that end instead (late-client-outputs.ts, asked first); beside
 * another refused output, that other one is the part the 400 names.
 * A post that also answers tool approvals is checked the same way, before any answer is taken.
 */
import type { JobsRouteContext } from '../http/handler'
import { RequestError } from '../http/request'
import type { UiMessageInput } from './chat-request'
import type { PostedJob } from './chat-job'
import { pendingOutputRequest } from './client-tool-answers'

/** The tool name of a tool part (`tool-<name>`, or a `dynamic-tool`'s `toolName`); null for other parts. */
function toolNameOf(part: UiMessageInput['parts'][number]): string | null {
  if (part.type.startsWith('tool-')) return part.type.slice('tool-'.length)
  if (part.type === 'dynamic-tool') return typeof part.toolName === 'string' ? part.toolName : ''
  return null
}

/**
 * Throws a 400 when `message` (the assistant message `messageId`, a job of this user, that a post
 * is about — with nothing to answer, or with approval answers; `field` names it in the body) holds
 * a tool output its job does not have as completed.
 */
export async function refuseClientToolOutputs(context: JobsRouteContext, message: UiMessageInput, posted: PostedJob, field: string): Promise<void> {
  const outputs = message.parts.flatMap((part, index) => {
    const name = toolNameOf(part)
    return name !== null && part.state === 'output-available' && typeof part.toolCallId === 'string' ? [{ name, toolCallId: part.toolCallId, index }] : []
  })
  if (outputs.length === 0) return
  const found = await posted()
  if (!found) return
  const { state } = found
  const refused = outputs.flatMap(({ name, toolCallId, index }) => {
    const call = state.toolCalls.find(candidate => candidate.id === toolCallId)
    // Completed, or a client tool's call its job waits for: this output is its answer (client-tool-answers.ts).
    if (call?.status === 'completed' || pendingOutputRequest(state, toolCallId)) return []
    return [{ name, toolCallId, index, call, client: context.engine.tools.get(name)?.runtime === 'client' }]
  })
  // Named first: an output for a call the job never asked the browser for (a late one alone is no 400: late-client-outputs.ts).
  refused.sort((a, b) => Number(a.client && a.call !== undefined) - Number(b.client && b.call !== undefined))
  for (const { name, toolCallId, index, call, client } of refused) {
    const kind = client ? `, a runtime: 'client' tool` : ''
    const job = call ? `ended this call as ${call.status}${client ? ' (its output did not come in time, or the job stopped)' : ''}` : 'has no such call'
    const where = client ? 'the job waits for the browser\'s output only while the call is pending' : 'tools run in the background job on the server'
    throw new RequestError(400, `${field}.parts.${index}: an output for tool call ${JSON.stringify(toolCallId.slice(0, 200))} (${name.slice(0, 200)}${kind}) that its job did not give: ${where}; the job ${job} and went on without it, so this output (addToolOutput) never reaches the model (docs/ai-sdk.md, "Client-side tools")`)
  }
}
