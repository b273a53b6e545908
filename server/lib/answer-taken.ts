/**
 * Which of a job's stored answers count as the one a user sent (stored-answer.ts `answeredAlike`
 * then compares their values). Usually: the user's answer to that request. But an answer sent
 * while nobody owned the job goes to the question its node asks again once the takeover voided the
 * first one (takeover-answers.ts): the job then holds the user's answer under the new request's id,
 * and the answer was taken all the same — its sender, told of the job's end before the owner's
 * reply, must not read a 409.
 */
import type { AnsweredInput, JobState } from '../../shared/reducer'

/** Who voids the questions of a run that was taken over (run-manager.ts). */
export const VOIDED_BY_TAKEOVER = 'system:owner-lost'

/** `userId`'s answers in `state` that count as its answer to `requestId`: that one, or those to its node's questions asked again after a takeover voided it. */
export function answersTaken(state: Pick<JobState, 'answeredInputs'>, requestId: string, userId: string): AnsweredInput[] {
  const answered = state.answeredInputs
  const index = answered.findIndex(input => input.requestId === requestId)
  if (index < 0) return []
  const own = answered[index]!
  if (own.answeredBy === userId) return [own]
  if (own.answeredBy !== VOIDED_BY_TAKEOVER || own.nodeId === undefined) return []
  return answered.slice(index + 1).filter(input => input.nodeId === own.nodeId && input.answeredBy === userId)
}
