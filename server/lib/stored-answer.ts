/**
 * An answer to a job's input request is acknowledged once it is stored, not only once the run took
 * it: an owner that died right after a 200 would otherwise lose it (the job, taken over elsewhere,
 * asks its question again while the user was told the answer went through). The wait is bounded:
 * a store that is slow (not down for good) leaves the answer with the run, which stores it as soon
 * as the store takes writes, and the caller is told it is not stored yet.
 */
import { isDeepStrictEqual } from 'node:util'
import type { AnsweredInput, JobState } from '../../shared/reducer'
import { answerDigest } from './answer-digest'
import { answersTaken } from './answer-taken'
import { InputConflictError, InvalidAnswerError } from './errors'
import { parseApprovalAnswer } from './executor/tool-approval'
import { issueCountOf, useValidationBudget } from './validation-budget'
import type { JobRun } from './job-run'
import type { ReadWorkflowAnswer } from './workflows/answer-as-read'

/** The longest an answer waits for its write: well inside a forwarded control's reply timeout. */
export const ANSWER_STORE_WAIT_MS = 5_000

/** Whether an accepted answer is stored (`false`: the store is slow; the run stores it later). */
export interface AnswerOutcome {
  stored: boolean
}

/**
 * Gives the answer to the run (throws `InvalidAnswerError` or `InputConflictError` as the run
 * does; the same answer again from the user the run took it from is that answer, `answeredAlike`),
 * then waits until it is stored. A run that stops before that (its write refused: another
 * instance took the job over; or closed) never stored it: a 409, since the job asks again.
 */
export async function answerAndStore(run: JobRun, requestId: string, answer: unknown, answeredBy: string, readWorkflowAnswer?: ReadWorkflowAnswer): Promise<AnswerOutcome> {
  // The schema is the app's: a sender whose refused answers cost too much is refused unchecked (validation-budget.ts).
  // The same answer again (its reply was lost) is nothing to check: it is the answer taken, never refused so
  // (judged as everywhere: as its input node reads it, answer-as-read.ts).
  const budget = useValidationBudget()
  if (!answeredAlike(run.live.state, requestId, answeredBy, answer, readWorkflowAnswer)) budget.assertRoom(answeredBy)
  try {
    run.inputs.answer(requestId, answer, answeredBy)
  }
  catch (error) {
    if (error instanceof InvalidAnswerError) budget.spend(answeredBy, issueCountOf(error))
    if (!(error instanceof InputConflictError && answeredAlike(run.live.state, requestId, answeredBy, answer, readWorkflowAnswer))) throw error
  }
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
  if (outcome === 'failed') throw new InputConflictError(requestId, 'was not stored: the job store refused this job\'s writes for good, and the job ends failed')
  throw new InputConflictError(requestId, 'was not stored: the job stopped on this server before its answer was saved; it asks its question again, answer that')
}

/**
 * True when the job's log holds this answer of `userId`'s to `requestId` from an earlier owner: a run that
 * took the job over reads its controls from the start and meets again an answer the lost owner
 * took and stored but died before replying to — its sender still waits for that reply, and the
 * job went on with that answer (a `409` would tell the user it was refused).
 */
export function answeredByLostOwner(run: JobRun, requestId: string, userId: string, answer: unknown, readWorkflowAnswer?: ReadWorkflowAnswer): boolean {
  if (run.inputs.asked(requestId)) return false
  // That answer: another one of the same user's (sent while the owner was away) was not taken.
  return answeredAlike(run.live.state, requestId, userId, answer, readWorkflowAnswer)
}

/**
 * True when `state` holds `userId`'s answer to `requestId` and it is `answer`: the user sends again
 * an answer the job took — the retry of a `503` whose answer went through all the same (its
 * control was stored, but the store's reply to the sender was lost), or of a response lost on its
 * way back. That is the answer taken, not a conflict. Another value, or another user's, is not.
 */
export function answeredAlike(state: Pick<JobState, 'answeredInputs' | 'pendingInputs'>, requestId: string, userId: string, answer: unknown, readWorkflowAnswer?: ReadWorkflowAnswer): boolean {
  // Sent while nobody owned the job, it was taken by the question asked again in its place (answer-taken.ts).
  return answersTaken(state, requestId, userId).some(taken => isDeepStrictEqual(taken.answer, answer)
    // Stored as its schema read it, with the digest of what was sent: the same bytes, whatever
    // the schema here reads them as (a deploy may have changed a default, a trim, a coercion).
    || (taken.sent !== undefined && taken.sent === answerDigest(answer))
    // An approval is stored as read (`'approve'` as `{ approved: true }`): compared the same way too.
    || (taken.kind === 'tool-approval' && isDeepStrictEqual(taken.answer, approvalDecision(answer)))
    // A workflow answer is stored as its schema returned it (keys it does not know dropped, a
    // default filled in, text trimmed): compared as the node reads it, where this server knows the node.
    || (taken.kind === 'workflow-input' && workflowAnswerAlike(taken, answer, readWorkflowAnswer)))
}

/**
 * True when the input node reads `sent` as the `taken` answer (both as JSON, as a store keeps
 * them). Without the node here, or with its answer schema changed since the question was asked (a
 * deploy), keys left out of the stored answer are taken for keys its schema strips.
 */
function workflowAnswerAlike(taken: Pick<AnsweredInput, 'answer' | 'nodeId' | 'schema'>, sent: unknown, read: ReadWorkflowAnswer | undefined): boolean {
  const judged = taken.nodeId === undefined || !read ? undefined : read(taken.nodeId, sent, taken.schema)
  if (!judged) return storedAs(taken.answer, sent)
  return 'read' in judged && isDeepStrictEqual(asJson(taken.answer), judged.read)
}

function asJson(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value)) as unknown
}

/** True when `stored` is `sent` with keys left out (as a schema strips the keys it does not know). */
function storedAs(stored: unknown, sent: unknown): boolean {
  if (!isPlainObject(stored) || !isPlainObject(sent)) return false
  return Object.keys(stored).every(key => Object.hasOwn(sent, key) && isDeepStrictEqual(stored[key], sent[key]))
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** An approval answer as the job stores it, or undefined for one it would refuse. */
function approvalDecision(answer: unknown): unknown {
  try {
    return parseApprovalAnswer(answer)
  }
  catch {
    return undefined
  }
}
