/**
 * The 409 of an answer to a job that has ended, which did not take it. It said the request
 * "belongs to a job that has ended" for any request id, also one the job never asked (a typo, an
 * id from another job): the client was told to stop waiting on a question that never existed
 * instead of that its id is wrong. The job's stored log says which: a request it asked (or one
 * the run here asked, its end not stored yet) still gets that message; one it never asked is
 * named so; when the log no longer holds the job's start (trimmed), only that the job has ended.
 * A request answered before the job ended (by another tab, by its timeout answer) says so, as it
 * would while the job ran (settled-reason.ts).
 */
import { InputConflictError } from './errors'
import type { JobProvider } from './providers/types'
import type { SettledAnswer } from './settled-reason'
import { settledReason } from './settled-reason'

/** The refusal of an answer to `requestId` of the ended job `jobId`; `askedHere`: the run here asked it. */
export async function endedInputConflict(provider: Pick<JobProvider, 'readEvents'>, jobId: string, requestId: string, askedHere = false, answeredHere?: readonly (SettledAnswer & { requestId: string })[]): Promise<InputConflictError> {
  // Answered before the job ended (by another tab, by its timeout): said so, as while it ran —
  // from its newest answer, as input-requests.ts reads it (a takeover may have asked it again).
  const answered = (list: readonly (SettledAnswer & { requestId: string })[], askedAgainAt?: number) => {
    const input = list.findLast(candidate => candidate.requestId === requestId)
    return input ? settledReason(input, true, askedAgainAt) : undefined
  }
  if (askedHere) return new InputConflictError(requestId, (answeredHere && answered(answeredHere)) ?? 'belongs to a job that has ended')
  // A store that does not answer leaves the words that do not depend on it.
  const range = await provider.readEvents(jobId, 0).catch(() => null)
  const asked = range?.events.some(event => event.type === 'input-request' && event.requestId === requestId) ?? false
  // Asked again in its place, its stored answer refused by a deploy's schema (answer-taken.ts): not taken.
  const askedAgain = range?.events.find(event => event.type === 'input-request' && event.replaces === requestId)
  if (asked) return new InputConflictError(requestId, answered(range!.events.flatMap(event => event.type === 'input-response' ? [event] : []), askedAgain?.at) ?? 'belongs to a job that has ended')
  if (range?.complete) return new InputConflictError(requestId, `was never asked by job ${jobId}, which has ended: check the request id`)
  return new InputConflictError(requestId, 'is not pending: its job has ended')
}
