/**
 * Why a request that was answered takes no other answer, in the words of its `input-response`:
 * answered by someone (at what time), expired with its timeout answer taken, withdrawn, or voided by
 * a takeover. Used for a running job (input-requests.ts) and for one that ended since
 * (ended-input-conflict.ts), so a late tab learns the same either way.
 */
import { VOIDED_BY_TAKEOVER } from './answer-taken'

/** What this needs of an `input-response`. */
export interface SettledAnswer {
  answeredAt: number
  answeredBy: string
}

/**
 * The 409's reason for an answer to a request answered so; `ended`: its job has ended since.
 * `askedAgainAt`: when its node asked again in its place, its stored answer refused by the answer
 * schema of a deploy since (answer-taken.ts `askedAgainFor`): that answer was not taken.
 */
export function settledReason(answer: SettledAnswer, ended = false, askedAgainAt?: number): string | undefined {
  // Asked again after the takeover: with the job over, there is no new request to answer.
  if (answer.answeredBy === VOIDED_BY_TAKEOVER && ended) return undefined
  const reason = askedAgainAt === undefined ? runningReason(answer) : refusedReason(answer, askedAgainAt, ended)
  return ended ? `${reason}; its job has ended since` : reason
}

function refusedReason(answer: SettledAnswer, askedAgainAt: number, ended: boolean): string {
  const stored = new Date(answer.answeredAt).toISOString()
  const asked = `was asked again under a new id (at ${new Date(askedAgainAt).toISOString()}): its answer stored at ${stored} no longer fits the question, which a deploy changed since, so the job did not take it`
  return ended ? asked : `${asked}: read the job again and answer the new request`
}

function runningReason(answer: SettledAnswer): string {
  const at = new Date(answer.answeredAt).toISOString()
  if (answer.answeredBy === 'timeout') return `expired (at ${at}): nobody answered in time, so its timeout answer was taken`
  if (answer.answeredBy === VOIDED_BY_TAKEOVER) return `was asked again under a new id (at ${at}), after another server took the job over: read the job again and answer the new request`
  if (answer.answeredBy.startsWith('system:')) return `was withdrawn (at ${at}): what asked it no longer waits for an answer`
  return `was already answered (at ${at}): read the job again for the answer taken`
}
