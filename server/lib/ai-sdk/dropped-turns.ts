/**
 * An edit or a regeneration of an earlier message drops the turns after it: the SDK cuts its
 * messages there, and the messages route leaves those turns out (chat-history.ts). An answer to
 * one of them that still runs (`stop()` only closed its request) or waits for tool approvals
 * would go on for nobody, holding a concurrency slot — and a reload's `resumeStream()`, which
 * follows the chat's running turn, would bring it back as a new message after the new answer. So
 * such jobs are ended once the new turn has started, as replaced answers are (replaced-answers.ts):
 * approvals not given, with the reason, then aborted.
 */
import type { JobSummary } from '../engine-types'
import type { JobsRouteContext } from '../http/handler'
import { readCurrentTurns } from './chat-history'
import { endChatJob } from './superseded-jobs'
import { answersMessage } from './user-message-ids'

/** The reason recorded on each approval of a dropped turn's answer. */
export const DROPPED_REASON = 'Not approved: an earlier message of the chat was edited or answered again while this approval was pending'

/**
 * Ends the chat's `active` jobs (listed before `job`, the new turn, started) that are no longer
 * among the chat's current turns. Reads the chat only when some active job answers another
 * message than the new turn's (those answering the same one are replaced answers). Never throws:
 * the new turn runs already.
 */
export async function endDroppedTurns(context: JobsRouteContext, job: JobSummary, active: JobSummary[]): Promise<void> {
  const others = active.filter(other => other.id !== job.id && other.messageId !== job.messageId && !answersMessage(other, job.messageId))
  if (others.length === 0 || !job.threadId) return
  try {
    // The turns the messages route reads: a job those reads did not reach is not judged.
    const { current, listed } = await readCurrentTurns(context, job.threadId, Math.ceil(context.config.limits.maxMessages / 2))
    const kept = new Set(current.map(turn => turn.job.id))
    const dropped = others.filter(other => listed.has(other.id) && !kept.has(other.id))
    await Promise.all(dropped.map(other => endChatJob(context, other, DROPPED_REASON)))
  }
  catch {
    // The store cannot answer now, or a job just ended: the new turn's response goes on.
  }
}

/**
 * The chat's `active` jobs (listed before the turn starts) that a new answer to user message
 * `messageId` will drop once it has started: those of the turns placed after that message's (an
 * edit or a regeneration of an earlier message), and those dropped already. Asked only when the
 * new turn is refused for the concurrency limit: they may hold the slot it needs, and would be
 * ended right after it starts anyway (`endDroppedTurns`).
 */
export async function turnsToDrop(context: JobsRouteContext, chatId: string, messageId: string | null | undefined, active: JobSummary[]): Promise<JobSummary[]> {
  const others = active.filter(other => other.messageId !== messageId && !answersMessage(other, messageId))
  if (others.length === 0 || !messageId) return []
  const { current, listed } = await readCurrentTurns(context, chatId, Math.ceil(context.config.limits.maxMessages / 2))
  const place = current.findIndex(turn => answersMessage(turn.job, messageId))
  // A new message goes last: it drops no turn (only those dropped already).
  const kept = new Set((place === -1 ? current : current.slice(0, place)).map(turn => turn.job.id))
  return others.filter(other => listed.has(other.id) && !kept.has(other.id))
}
