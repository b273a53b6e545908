/**
 * A new user message after answers the client stopped following: the chat's jobs whose assistant
 * message the client shows before its new message, and that still run or wait, are ended once the
 * new turn has started — which takes the concurrency slots they hold (replaced-answers.ts), so a
 * turn refused (a `429` for the creation rate or a limit, a `503`) ends none of them.
 * - One that waits for tool approvals (or a client tool's output, which the new message leaves
 *   unanswered too: the job is aborted): the AI SDK's own servers drop a still-requested approval
 *   that a later user message follows (`convertToModelMessages`), so the tool never runs. Here its
 *   pending approvals are answered "not approved" with a reason saying why (kept in the job's log),
 *   then the job is aborted, which frees its concurrency slot.
 * - One still running (the user pressed stop — `stop()` only closes the request — and wrote on):
 *   the client sends its partial text as history for the new turn, so the rest would be tokens
 *   spent on an answer nobody sees, holding a concurrency slot. It is aborted; its partial text is
 *   kept, as with the abort route.
 */
import type { JobSummary } from '../engine-types'
import type { JobsRouteContext } from '../http/handler'
import type { ChatRequest } from './chat-request'

/** The reason recorded on each approval the new message left unanswered. */
export const SUPERSEDED_REASON = 'Not approved: a new message was sent in the chat while this approval was pending'

/**
 * Ends a chat job the client no longer waits for, as one engine step on the instance that runs it
 * (answer and stop): each tool approval still pending is answered "not approved" with `reason` (so
 * the log says why the tool did not run) and the job is aborted, with no model round started on
 * those answers. Answering first and aborting after let the answer wake the job, whose next round
 * was sent to the upstream (and billed) before the abort landed, or finished it `completed`.
 */
export async function endChatJob({ engine, userId }: JobsRouteContext, job: JobSummary, reason: string): Promise<void> {
  await engine.abortJob(userId, job.id, { denyApprovals: reason })
}

/**
 * The chat's `active` jobs whose message comes before the posted last user message (the client saw
 * them and wrote on): those waiting for tool approvals, and those still queued or running. They are
 * ended (`endChatJob`) only once the new turn has started (replaced-answers.ts), so a turn refused
 * (a `429`, a `503`) leaves them as they were.
 */
export async function supersededJobs(context: JobsRouteContext, request: ChatRequest, active: JobSummary[]): Promise<JobSummary[]> {
  const { engine, userId } = context
  const lastUser = request.messages.findLastIndex(message => message.role === 'user')
  // Only jobs the client shows before its new message: never the job a retried post started.
  const before = new Set(request.messages.slice(0, lastUser).filter(message => message.role === 'assistant' && message.id).map(message => message.id))
  const superseded: JobSummary[] = []
  for (const job of active) {
    if (!before.has(job.id)) continue
    if (job.status === 'waiting') {
      const { state } = await engine.getJob(userId, job.id)
      if (!state.pendingInputs.some(input => input.kind === 'tool-approval' || input.kind === 'tool-output')) continue
    }
    superseded.push(job)
  }
  return superseded
}
