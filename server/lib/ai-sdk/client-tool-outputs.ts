/**
 * Refuses a post that hands the job a tool output it never had: the AI SDK's client-side tool flow
 * (`onToolCall` → `addToolOutput`, then `sendMessage()` or `sendAutomaticallyWhen:
 * lastAssistantMessageIsCompleteWithToolCalls`) expects the server to call the model again with
 * it. Here every call runs in the job on the server (a `runtime: 'client'` tool's ends as an error
 * result), and the job went on without the client: the settled stream such a post got said
 * nothing, while the client showed an output the model never read. A 400 naming the part says so.
 * Outputs the job has (a stopped answer's calls, a message kept in storage) still get the settled
 * stream, and so does a message whose job is gone (past retention, deleted: nothing to compare).
 * A post that also answers tool approvals is checked the same way, before any answer is taken.
 */
import type { JobState } from '../../../shared/reducer'
import { JobNotFoundError } from '../errors'
import type { JobsRouteContext } from '../http/handler'
import { RequestError } from '../http/request'
import type { UiMessageInput } from './chat-request'

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
export async function refuseClientToolOutputs(context: JobsRouteContext, message: UiMessageInput, messageId: string, field: string): Promise<void> {
  const outputs = message.parts.flatMap((part, index) => {
    const name = toolNameOf(part)
    return name !== null && part.state === 'output-available' && typeof part.toolCallId === 'string' ? [{ name, toolCallId: part.toolCallId, index }] : []
  })
  if (outputs.length === 0) return
  let state: JobState
  try {
    ({ state } = await context.engine.getJob(context.userId, messageId))
  }
  catch (error) {
    if (error instanceof JobNotFoundError) return
    throw error
  }
  for (const { name, toolCallId, index } of outputs) {
    const call = state.toolCalls.find(candidate => candidate.id === toolCallId)
    if (call?.status === 'completed') continue
    const kind = context.engine.tools.get(name)?.runtime === 'client' ? `, a runtime: 'client' tool` : ''
    const job = call ? `ended this call as ${call.status}` : 'has no such call'
    throw new RequestError(400, `${field}.parts.${index}: an output for tool call ${JSON.stringify(toolCallId.slice(0, 200))} (${name.slice(0, 200)}${kind}) that its job did not give: tools run in the background job on the server, which ${job} and went on without it; an output sent from the client (addToolOutput) never reaches the model (docs/ai-sdk.md, "Client-side tools")`)
  }
}
