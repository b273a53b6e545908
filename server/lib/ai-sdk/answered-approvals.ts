/**
 * Approvals a chat posts that its job has all answered already, so none is pending any more:
 * - the same post again after its response was lost (a `503` from a forwarded answer whose store
 *   reply was dropped, a connection cut once the route had taken the answers). The native input
 *   route takes the same answer again from the same user as taken (stored-answer.ts `answeredAlike`);
 * - answers given elsewhere before this post came, with another decision: another tab (the native
 *   `POST /api/jobs/:id/input` or the same chat open twice), or the request's expiry (`onTimeout`).
 * A `409` ("not pending") here put the chat in `error` for good: the SDK keeps this client's answers
 * on the parts (`approval-responded`, the job never ran with them) and its `sendMessage()` retry
 * posts them again, into the same `409`. Such a post gets the job's stream from just before the
 * first of those answers (continuation-start.ts), so the chat shows the answers the job took and
 * what it did with them — also when the job has ended since. The same answers on an answer ended
 * aborted are left to stopped-approvals.ts (nothing new runs), which the route asks first.
 * An approval the job asked and never answered because it ended meanwhile (stopped from another
 * tab while it waited, `onTimeout: 'abort'`) was the same `409`: such a post gets the job's stream
 * from just before its end, so the call shows it never ran (`output-denied`, with the answer's end
 * as the reason: snapshot-chunks.ts `writeOutcome`) and the answer as it ended.
 */
import { isTerminalStatus } from '../../../shared/events'
import type { JobState } from '../../../shared/reducer'
import type { JobSummary } from '../engine-types'
import type { JobsRouteContext } from '../http/handler'
import type { ApprovalAnswer } from './chat-request'
import { chatJobOf, postedJob } from './chat-job'
import { continuationStart } from './continuation-start'

/**
 * The job `messageId` of chat `chatId` (the assistant message the answers are on) and the state its
 * stream starts from, when it holds an answer to every one of `answers`' approvals (this user's
 * same answer, or any other) or has ended without one to those it asked; otherwise null.
 */
export async function answeredAlready(context: JobsRouteContext, chatId: string, messageId: string | undefined, answers: ApprovalAnswer[]): Promise<{ job: JobSummary, state: JobState } | null> {
  if (!messageId || answers.length === 0) return null
  const found = await chatJobOf(postedJob(context, messageId), chatId)
  if (!found) return null
  const { job, state } = found
  const ended = isTerminalStatus(state.status)
  const over = answers.every(answer => state.answeredInputs.some(input => input.requestId === answer.approvalId)
    || (ended && state.toolCalls.some(call => call.approvalId === answer.approvalId)))
  if (!over) return null
  return { job, state: await continuationStart(context, job, state, answers) }
}
