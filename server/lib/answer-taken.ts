/**
 * Which of a job's stored answers count as the one a user sent (stored-answer.ts `answeredAlike`
 * then compares their values). Usually: the user's answer to that request. But an answer sent
 * while nobody owned the job goes to the question its node asks again once the takeover voided the
 * first one (takeover-answers.ts): the job then holds the user's answer under the new request's id,
 * and the answer was taken all the same — its sender, told of the job's end before the owner's
 * reply, must not read a 409. And an answer stored before its node ended that the node, resumed on
 * a version whose answer schema refuses it, did not take (it asked again: the new request
 * `replaces` it) is no answer taken: a retry of it must not read `200 stored`.
 */
import type { AnsweredInput, JobState, PendingInput } from '../../shared/reducer'

/** Who voids the questions of a run that was taken over (run-manager.ts). */
export const VOIDED_BY_TAKEOVER = 'system:owner-lost'

/** The question asked again in place of `requestId`, whose stored answer its node refused after a deploy (nodes/input.ts); undefined when none was. */
export function askedAgainFor(state: Pick<JobState, 'answeredInputs' | 'pendingInputs'>, requestId: string): PendingInput | undefined {
  return state.pendingInputs.find(input => input.replaces === requestId) ?? state.answeredInputs.find(input => input.replaces === requestId)
}

/** `userId`'s answers in `state` that count as its answer to `requestId`: that one, or those to its node's questions asked again after a takeover voided it. */
export function answersTaken(state: Pick<JobState, 'answeredInputs' | 'pendingInputs'>, requestId: string, userId: string): AnsweredInput[] {
  const answered = state.answeredInputs
  const index = answered.findIndex(input => input.requestId === requestId)
  if (index < 0) return []
  const own = answered[index]!
  if (own.answeredBy === userId) return askedAgainFor(state, requestId) ? [] : [own]
  if (own.answeredBy !== VOIDED_BY_TAKEOVER || own.nodeId === undefined) return []
  return answered.slice(index + 1).filter(input => input.nodeId === own.nodeId && input.answeredBy === userId)
}
