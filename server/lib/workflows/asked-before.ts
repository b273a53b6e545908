/**
 * When a workflow's question that a takeover asks again was first asked, as the job's age then
 * (`askedAtJobMs`): the question asked again expires when it first would have (input-requests.ts),
 * however often the job moved, as the job's own time limit does (job-start.ts).
 */
import type { JobState, PendingInput } from '../../../shared/reducer'
import { VOIDED_BY_TAKEOVER } from '../answer-taken'

/**
 * The first asking of the question of input node `nodeId`'s visit that the lost owner was cut off
 * in: still pending in its log, or voided (`system:owner-lost`) by an owner that died in turn
 * before asking it again (that owner's question kept the first asking's). Undefined when the log
 * holds neither, or the question came from an earlier version (no `askedAtJobMs`): a whole wait then.
 */
export function firstAskedAtJobMs(resumedFrom: JobState | null, nodeId: string): number | undefined {
  if (!resumedFrom) return undefined
  const isNodes = (input: PendingInput) => input.kind === 'workflow-input' && input.nodeId === nodeId
  const pending = resumedFrom.pendingInputs.findLast(isNodes)
  if (pending) return pending.askedAtJobMs
  const voided = resumedFrom.answeredInputs.findLast(isNodes)
  return voided?.answeredBy === VOIDED_BY_TAKEOVER ? voided.askedAtJobMs : undefined
}
