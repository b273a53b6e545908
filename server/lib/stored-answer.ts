/**
 * An answer to a job's input request is acknowledged once it is stored, not only once the run took
 * it: an owner that died right after a 200 would otherwise lose it (the job, taken over elsewhere,
 * asks its question again while the user was told the answer went through). The wait is bounded:
 * a store that is slow (not down for good) leaves the answer with the run, which stores it as soon
 * as the store takes writes, and the caller is told it is not stored yet.
 */
import { InputConflictError } from './errors'
import type { JobRun } from './job-run'

/** The longest an answer waits for its write: well inside a forwarded control's reply timeout. */
export const ANSWER_STORE_WAIT_MS = 5_000

/** Whether an accepted answer is stored (`false`: the store is slow; the run stores it later). */
export interface AnswerOutcome {
  stored: boolean
}

/**
 * Gives the answer to the run (throws `InvalidAnswerError` or `InputConflictError` as the run
 * does), then waits until it is stored. A run that stops before that (its write refused: another
 * instance took the job over; or closed) never stored it: a 409, since the job asks again.
 */
export async function answerAndStore(run: JobRun, requestId: string, answer: unknown, answeredBy: string): Promise<AnswerOutcome> {
  run.inputs.answer(requestId, answer, answeredBy)
  const waitMs = Math.min(ANSWER_STORE_WAIT_MS, Math.floor(run.config.lease.durationMs / 2))
  let cancel = () => {}
  const outcome = await Promise.race([
    run.persist.flush(),
    new Promise<'slow'>((resolve) => {
      cancel = run.timers.timeout(() => resolve('slow'), waitMs)
    }),
  ])
  cancel()
  if (outcome === 'stored') return { stored: true }
  if (outcome === 'slow') return { stored: false }
  throw new InputConflictError(requestId, 'was not stored: the job stopped on this server before its answer was saved; it asks its question again, answer that')
}

/**
 * True when the job's log holds `userId`'s answer to `requestId` from an earlier owner: a run that
 * took the job over reads its controls from the start and meets again an answer the lost owner
 * took and stored but died before replying to — its sender still waits for that reply, and the
 * job went on with that answer (a `409` would tell the user it was refused).
 */
export function answeredByLostOwner(run: JobRun, requestId: string, userId: string): boolean {
  if (run.inputs.asked(requestId)) return false
  return run.live.state.answeredInputs.some(input => input.requestId === requestId && input.answeredBy === userId)
}
