/**
 * A turn posted as the newest message only (`{ id, message }`): its history is the chat's own
 * jobs, as the messages route rebuilds them (chat-history.ts) — what an AI SDK server that loads
 * the chat from its database would prepend. A message the chat has already (the same id: an edit,
 * or `regenerate()`) is answered again from there: the history stops before it. The oldest
 * messages give way so that history and message fit `limits.maxMessages`.
 */
import type { CreateJobInput, JobSummary } from '../engine-types'
import type { JobsRouteContext } from '../http/handler'
import { chatHistory } from './chat-history'
import { activeChatJobs, chatTurnInput } from './chat-turn'
import { nameSentMessage } from './chat-request'
import type { ChatRequest, UiMessageInput } from './chat-request'

/**
 * `request` (one message) with the chat's history before its message. Answers still being written
 * (`active` jobs queued or running, e.g. in another tab) are left out, as a database saved on
 * `onFinish` would not have them yet; their user messages stay. So they are not among the answers
 * the client wrote past, and run on (superseded-jobs.ts).
 */
export async function withServerHistory(context: JobsRouteContext, request: ChatRequest, active: JobSummary[]): Promise<ChatRequest> {
  const message = request.messages.at(-1)!
  const unfinished = new Set(active.filter(job => job.status !== 'waiting').map(job => job.id))
  const stored = (await chatHistory(context, request.id)).filter(earlier => earlier.role !== 'assistant' || !unfinished.has(earlier.id))
  // The same shape as what a client posts: parts with a `type`, read for their text.
  let history = stored as UiMessageInput[]
  const again = message.id ? history.findIndex(earlier => earlier.role === 'user' && earlier.id === message.id) : -1
  if (again !== -1) history = history.slice(0, again)
  const room = Math.max(0, context.config.limits.maxMessages - 1)
  return { ...request, messages: [...history.slice(Math.max(0, history.length - room)), message] }
}

/** The turn of such a request: with its history, checked as any turn, and the chat's active jobs it was built from. */
export async function serverHistoryTurn(context: JobsRouteContext, posted: ChatRequest): Promise<{ request: ChatRequest, input: CreateJobInput, active: JobSummary[] }> {
  const active = await activeChatJobs(context, posted.id)
  const request = await withServerHistory(context, posted, active)
  return { request, input: namingMessage(request, () => chatTurnInput(context, request)), active }
}

/** Runs `check` on such a request; a 400 about the client's message names it `message`. */
function namingMessage<T>(request: ChatRequest, check: () => T): T {
  try {
    return check()
  }
  catch (error) {
    nameSentMessage(error, request.messages.length - 1)
    throw error
  }
}
