/**
 * A turn that asks again for the answer to a user message the chat still has an answer running or
 * waiting for — `regenerate()` (after `stop()`, or while approvals wait), an edited message
 * (`sendMessage({ messageId })`), the same message posted again — replaces that answer: the client
 * has dropped it, and the messages route keeps only the newest answer per user message. So the
 * jobs giving it are ended (approvals not given, with the reason; then aborted) instead of
 * running on for an answer nobody sees, or holding a concurrency slot until their approvals
 * expire. They are ended once the new turn has started, so a retried post (the same
 * `Idempotency-Key`) gets its job back and never ends it; only when they hold the slot the new
 * turn needs (a 429) are they ended first — and so are the answers of the later turns an edit of
 * an earlier message drops (dropped-turns.ts), which would otherwise keep that slot.
 */
import type { CreateJobInput, JobSummary } from '../engine-types'
import { ConcurrencyLimitError } from '../errors'
import type { JobsRouteContext } from '../http/handler'
import { startChatTurn } from './chat-turn'
import { DROPPED_REASON } from './dropped-turns'
import { endChatJob } from './superseded-jobs'
import { answersMessage } from './user-message-ids'

/** The reason recorded on each approval of a replaced answer. */
export const REPLACED_REASON = 'Not approved: a new answer to this message was requested while this approval was pending'

/**
 * Starts the turn `input` (`chatTurnInput`), ending the answers to its user message among the
 * chat's `active` jobs (listed before the turn starts). `toDrop` gives the other active jobs the
 * turn drops once started (dropped-turns.ts): asked only when the turn is refused for the
 * concurrency limit, they are then ended first too, as the replaced ones.
 */
export async function startReplacingTurn(context: JobsRouteContext, input: CreateJobInput, active: JobSummary[], toDrop: () => Promise<JobSummary[]> = async () => []): Promise<JobSummary> {
  const replaced = active.filter(job => answersMessage(job, input.messageId))
  const endAll = (jobs: JobSummary[], reason = REPLACED_REASON) => Promise.all(jobs.map(job => endChatJob(context, job, reason)))
  if (active.length === 0) return await startChatTurn(context, input)
  let job: JobSummary
  try {
    // Refused for the concurrency limit, it makes room below and tries again: no 429 to count yet.
    job = await startChatTurn(context, { ...input, retriedWhenRefused: true })
  }
  catch (error) {
    if (!(error instanceof ConcurrencyLimitError)) throw error
    await endAll(replaced)
    await endAll(await toDrop(), DROPPED_REASON)
    return await startChatTurn(context, input)
  }
  // A retried post got its own job back (listed as active): never ended. The new turn runs
  // already, so an old one that cannot be ended now (it just ended, the store is down) must not
  // fail its response.
  await endAll(replaced.filter(old => old.id !== job.id)).catch(() => {})
  return job
}
