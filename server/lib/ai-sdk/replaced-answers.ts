/**
 * A turn that asks again for the answer to a user message the chat still has an answer running or
 * waiting for — `regenerate()` (after `stop()`, or while approvals wait), an edited message
 * (`sendMessage({ messageId })`), the same message posted again — replaces that answer: the client
 * has dropped it, and the messages route keeps only the newest answer per user message. So the
 * jobs giving it are ended (approvals not given, with the reason; then aborted) instead of
 * running on for an answer nobody sees, or holding a concurrency slot until their approvals
 * expire. So are the answers the client wrote past (superseded-jobs.ts), and those of the later
 * turns an edit of an earlier message drops (dropped-turns.ts).
 * All of them are ended only once the new turn has started: it is created with their slots counted
 * as free while they are still active (`endsActiveJobs`: the store checks, in the creation's own
 * step, so two tabs writing past the same answer at once do not both take its one slot), so a refused turn — the creation rate's `429`, a concurrency limit
 * that ending them would not bring it under, no model configured (`503`) — ends none of them, and a
 * retried post (the same `Idempotency-Key`) gets its job back and never ends it. The dropped ones
 * are looked for only when the limits refuse the turn without them; when there are none, that
 * refusal stands (the same creation is not asked again).
 */
import type { CreateJobInput, JobSummary } from '../engine-types'
import { ConcurrencyLimitError } from '../errors'
import type { JobsRouteContext } from '../http/handler'
import { countConcurrencyRefusal } from '../store-creation'
import { startChatTurn } from './chat-turn'
import { DROPPED_REASON } from './dropped-turns'
import { endChatJob, SUPERSEDED_REASON } from './superseded-jobs'
import { answersMessage } from './user-message-ids'

/** The reason recorded on each approval of a replaced answer. */
export const REPLACED_REASON = 'Not approved: a new answer to this message was requested while this approval was pending'

/** What the new turn ends once started, besides the answers it replaces. */
export interface EndedByTurn {
  /** The answers the client wrote past (`supersededJobs`). */
  superseded?: JobSummary[]
  /** The other active jobs the turn drops (dropped-turns.ts): asked only when a limit refuses it. */
  toDrop?: () => Promise<JobSummary[]>
}

/**
 * Starts the turn `input` (`chatTurnInput`), then ends the answers to its user message among the
 * chat's `active` jobs (listed before the turn starts) and the `superseded` ones; refused for a
 * concurrency limit, it looks for the turns it drops (`toDrop`) and tries again with theirs counted
 * as free too, ending them as well once started.
 */
export async function startReplacingTurn(context: JobsRouteContext, input: CreateJobInput, active: JobSummary[], { superseded = [], toDrop = async () => [] }: EndedByTurn = {}): Promise<JobSummary> {
  const replaced = active.filter(job => answersMessage(job, input.messageId) && !superseded.includes(job))
  const ending = [...superseded, ...replaced]
  if (active.length === 0) return await startChatTurn(context, input)
  // Others may be dropped turns: refused for a limit, it looks for them and tries again (no 429 to count yet).
  const mayDrop = active.some(job => !ending.includes(job))
  let job: JobSummary
  let dropped: JobSummary[] = []
  try {
    job = await startChatTurn(context, { ...input, endsActiveJobs: ending.map(old => old.id), ...(mayDrop ? { retriedWhenRefused: true } : {}) })
  }
  catch (error) {
    if (!mayDrop || !(error instanceof ConcurrencyLimitError)) throw error
    dropped = await toDrop()
    // No slot more to count as free: the same creation would be refused again (one store call more).
    if (dropped.length === 0) {
      countConcurrencyRefusal(error)
      throw error
    }
    job = await startChatTurn(context, { ...input, endsActiveJobs: [...ending, ...dropped].map(old => old.id) })
  }
  // A retried post got its own job back (listed as active): never ended. The new turn runs
  // already, so an old one that cannot be ended now (it just ended, the store is down) must not
  // fail its response.
  const end = (jobs: JobSummary[], reason: string) => jobs.filter(old => old.id !== job.id).map(old => endChatJob(context, old, reason).catch(() => {}))
  await Promise.all([...end(superseded, SUPERSEDED_REASON), ...end(replaced, REPLACED_REASON), ...end(dropped, DROPPED_REASON)])
  return job
}
