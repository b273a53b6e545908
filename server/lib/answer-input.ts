/**
 * An answer to a job's input request, on any instance: the run here takes it when this instance
 * owns the job and can vouch for its lease (or asked the question itself); otherwise it goes to the
 * owner through the store (cluster.ts). An answer to a job that ended, or that no run here holds,
 * is the same answer again (taken before, its reply lost: stored) or a 409.
 */
import { isTerminalStatus } from '../../shared/events'
import type { createCluster } from './cluster'
import { endedInputConflict } from './ended-input-conflict'
import { InputConflictError } from './errors'
import { runningHere } from './job-access'
import type { JobRun } from './job-run'
import type { JobProvider, JobRecord } from './providers/types'
import type { AnswerOutcome } from './stored-answer'
import { answerAndStore, answeredAlike } from './stored-answer'
import { workflowAnswerReader } from './workflows/answer-as-read'
import type { WorkflowRegistry } from './workflows/types'

export interface AnswerInputOptions {
  provider: Pick<JobProvider, 'getState' | 'readEvents'>
  runs: ReadonlyMap<string, JobRun>
  cluster: Pick<ReturnType<typeof createCluster>, 'answerRemote'> | null
  /** The job, checked to be the user's (a 404 otherwise). */
  authorize: (userId: string, jobId: string) => Promise<JobRecord>
  /** The workflows: an answer sent again is compared as its input node's schema reads it. */
  workflows?: Pick<WorkflowRegistry, 'get'>
  /**
   * Whether a refused answer of `userId` may have its job's log read to see if it is a retry
   * (rate-limit.ts, `takeRetryCheck`); absent: always.
   */
  mayReadForRetry?: (userId: string) => Promise<boolean>
}

/** Creates the engine's `answerInput`; resolves once the answer is stored (`stored: false`: the store is slow, stored-answer.ts). */
export function createAnswerInput(options: AnswerInputOptions) {
  const { provider, runs, cluster } = options
  /** Whether the job took this answer of `userId`'s already (in the run here, or as stored). */
  async function takenBefore(record: JobRecord, userId: string, answer: { requestId: string, answer: unknown }): Promise<boolean> {
    const here = runningHere(runs, record.id)
    const read = workflowAnswerReader(options.workflows, here?.record.request ?? record.request)
    if (here && answeredAlike(here.live.state, answer.requestId, userId, answer.answer, read)) return true
    // A run whose lease holds has every answer the store has: no read of the log (a refused flood to a job run here reads none).
    if (here?.leaseHolds()) return false
    // A read of the whole log per refused answer would let a flood over the limit cost that each time.
    if (options.mayReadForRetry && !await options.mayReadForRetry(userId)) return false
    const stored = await provider.getState(record.id)
    return stored !== null && answeredAlike(stored, answer.requestId, userId, answer.answer, read)
  }

  /**
   * `refusal`: the caller's rate limit refused this answer (`limits.inputPerMinute`); it is thrown
   * unless the answer is the same one again, taken before (its reply was lost): that one is answered.
   */
  return async function answerInput(userId: string, jobId: string, answer: { requestId: string, answer: unknown }, refusal?: Error): Promise<AnswerOutcome> {
    const record = await options.authorize(userId, jobId)
    if (refusal && !await takenBefore(record, userId, answer)) throw refusal
    const here = runningHere(runs, jobId)
    // A run whose lease this instance cannot vouch for knows only its own questions: another is the owner's to judge.
    const run = here && !here.leaseHolds() && !here.inputs.asked(answer.requestId) ? undefined : here
    if (!run && cluster && !isTerminalStatus(record.status)) {
      return await cluster.answerRemote(record, userId, answer.requestId, answer.answer)
    }
    const readWorkflowAnswer = workflowAnswerReader(options.workflows, (run ?? here)?.record.request ?? record.request)
    if (!run || run.live.ended || run.live.ending) {
      // The same answer again, taken before the job ended (the first reply was lost): stored.
      if (run && answeredAlike(run.live.state, answer.requestId, userId, answer.answer, readWorkflowAnswer)) return await answerAndStore(run, answer.requestId, answer.answer, userId, readWorkflowAnswer)
      // A store that does not answer is its 503 (retry): whether the job took this answer is unknown, not refused.
      const stored = await provider.getState(jobId)
      if (stored && answeredAlike(stored, answer.requestId, userId, answer.answer, readWorkflowAnswer)) return { stored: true }
      // The record was read before the job ended here (an abort or a failure that came first): ended all the same.
      const ended = isTerminalStatus(record.status) || run?.live.ended === true || run?.live.ending === true
      if (ended) throw await endedInputConflict(provider, jobId, answer.requestId, run?.inputs.asked(answer.requestId) === true, run?.live.state.answeredInputs)
      throw new InputConflictError(answer.requestId, 'is not pending on this server')
    }
    return await answerAndStore(run, answer.requestId, answer.answer, userId, readWorkflowAnswer)
  }
}
