/**
 * Approvals a chat posts that its job has all taken already: the same post again after its
 * response was lost (a `503` from a forwarded answer whose store reply was dropped, a connection
 * cut once the route had taken the answers). The native input route takes the same answer again
 * from the same user as taken (stored-answer.ts `answeredAlike`); a `409` ("not pending") here
 * would put the chat in `error` while the job went on with those answers. Such a post gets the
 * job's stream from just before the first of those answers (continuation-start.ts), so the chat
 * shows what the job did with them — also when the job has ended since. An answer ended aborted
 * is left to stopped-approvals.ts (nothing new runs).
 */
import type { JobState } from '../../../shared/reducer'
import type { JobSummary } from '../engine-types'
import { JobNotFoundError } from '../errors'
import type { JobsRouteContext } from '../http/handler'
import { answeredAlike } from '../stored-answer'
import type { ApprovalAnswer } from './chat-request'
import { continuationStart } from './continuation-start'

/**
 * The job `messageId` of chat `chatId` (the assistant message the answers are on) and the state its
 * stream starts from, when it holds every one of `answers` as this user gave it; otherwise null.
 */
export async function answeredAlready(context: JobsRouteContext, chatId: string, messageId: string | undefined, answers: ApprovalAnswer[]): Promise<{ job: JobSummary, state: JobState } | null> {
  if (!messageId || answers.length === 0) return null
  let found
  try {
    found = await context.engine.getJob(context.userId, messageId)
  }
  catch (error) {
    if (error instanceof JobNotFoundError) return null
    throw error
  }
  const { job, state } = found
  if (job.type !== 'chat' || job.threadId !== chatId || state.status === 'aborted') return null
  const taken = answers.every(answer => answeredAlike(state, answer.approvalId, context.userId, { approved: answer.approved, ...(answer.reason ? { reason: answer.reason } : {}) }))
  if (!taken) return null
  return { job, state: await continuationStart(context, job, state, answers) }
}
