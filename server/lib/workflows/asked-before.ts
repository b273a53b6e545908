/**
 * When a workflow's question, or a tool node's approval, that a takeover asks again was first
 * asked, as the job's age then (`askedAtJobMs`): asked again, it expires when it first would have
 * (input-requests.ts), however often the job moved, as the job's own time limit does (job-start.ts).
 */
import { isDeepStrictEqual } from 'node:util'
import type { JobState, PendingInput } from '../../../shared/reducer'
import { VOIDED_BY_TAKEOVER } from '../answer-taken'
import { APPROVAL_TIMED_OUT, parseApprovalAnswer } from '../executor/tool-approval'
import type { ApprovalDecision } from '../executor/tool-approval'

/**
 * The latest request `matches` finds that the lost owner left open: still pending in its log, or
 * voided (`system:owner-lost`) by an owner that died in turn before asking it again (that owner's
 * request kept the first asking's `askedAtJobMs`). Undefined when the log holds neither; one from
 * an earlier version has no `askedAtJobMs`: a whole wait then.
 */
function leftOpen(resumedFrom: JobState, matches: (input: PendingInput) => boolean): PendingInput | undefined {
  const pending = resumedFrom.pendingInputs.findLast(matches)
  if (pending) return pending
  const voided = resumedFrom.answeredInputs.findLast(matches)
  return voided?.answeredBy === VOIDED_BY_TAKEOVER ? voided : undefined
}

/**
 * True when `id` is the call a tool node's visit made (`<nodeId>-<visit>`: `visitCallId`) or one
 * of its attempts a takeover ran again (`<visitCallId>-attempt-<n>`: workflows/nodes/tool.ts).
 */
export function isCallOfVisit(id: string | undefined, visitCallId: string): boolean {
  return id === visitCallId || id?.startsWith(`${visitCallId}-attempt-`) === true
}

/** The first asking of the question of input node `nodeId`'s visit that the lost owner was cut off in. */
export function firstAskedAtJobMs(resumedFrom: JobState | null, nodeId: string): number | undefined {
  if (!resumedFrom) return undefined
  return leftOpen(resumedFrom, input => input.kind === 'workflow-input' && input.nodeId === nodeId)?.askedAtJobMs
}

/**
 * The first asking of the approval of tool node `nodeId`'s call that the lost owner was cut off in
 * (`visitCallId`, or an attempt of it a takeover ran again: `<visitCallId>-attempt-<n>`). The call
 * run again has a new id, but it is the same request to the same person: the same node's visit
 * calling the same tool with the same arguments. One whose tool or arguments changed (a deploy
 * since) asks something else: a whole wait.
 */
export function firstApprovalAskedAtJobMs(resumedFrom: JobState | null, nodeId: string, visitCallId: string, call: { name: string, args: unknown }): number | undefined {
  if (!resumedFrom) return undefined
  const approval = leftOpen(resumedFrom, approvalOfVisit(nodeId, visitCallId))
  if (approval?.askedAtJobMs === undefined) return undefined
  return sameCall(resumedFrom, approval, call) ? approval.askedAtJobMs : undefined
}

/**
 * The person's decision on the approval of tool node `nodeId`'s call that the lost owner was cut
 * off in, when they gave one (or nobody answered in time) and nothing asked it since: the call run
 * again runs on it, as an input node takes an answer stored before its node ended, instead of
 * asking the same thing again. Undefined when none was given, the latest was voided by a takeover,
 * or a deploy since changed the call's tool or arguments (another request).
 */
export function approvalGivenBefore(resumedFrom: JobState | null, nodeId: string, visitCallId: string, call: { name: string, args: unknown }): ApprovalDecision | undefined {
  if (!resumedFrom) return undefined
  const ofVisit = approvalOfVisit(nodeId, visitCallId)
  if (resumedFrom.pendingInputs.some(ofVisit)) return undefined
  const given = resumedFrom.answeredInputs.findLast(ofVisit)
  if (!given || given.answeredBy.startsWith('system:') || !sameCall(resumedFrom, given, call)) return undefined
  if (given.answeredBy === 'timeout') return APPROVAL_TIMED_OUT
  try {
    return parseApprovalAnswer(given.answer)
  }
  catch {
    return undefined
  }
}

function approvalOfVisit(nodeId: string, visitCallId: string): (input: PendingInput) => boolean {
  return input => input.kind === 'tool-approval' && input.nodeId === nodeId && isCallOfVisit(input.toolCallId, visitCallId)
}

/** True when the approval's call is `call`: the same tool with the same arguments. */
function sameCall(resumedFrom: JobState, approval: PendingInput, call: { name: string, args: unknown }): boolean {
  const earlier = resumedFrom.toolCalls.findLast(entry => entry.id === approval.toolCallId)
  return earlier?.name === call.name && isDeepStrictEqual(earlier.args, call.args)
}
