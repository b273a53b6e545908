/**
 * What a Stop cut off. When a job ends `aborted`, the shared reducer ends the tool calls and
 * workflow nodes that were still live as `stopped` (their error reads `job aborted …`): to the
 * user they were stopped, not broken, and the demo shows them so — neutral, like the turn's own
 * "stopped" chip. Pure, so it is unit-tested.
 */
import type { EndedBeforeApproval } from '../../../shared/ended-before-approval'
import { endedBeforeApproval } from '../../../shared/ended-before-approval'
import type { JobState, NodeState, ToolCallState } from '../../../shared/reducer'
import { STOPPED_PARTIAL_NOTE, STOPPED_UNANSWERED_NOTE } from './answer-end'

/** A call the job's abort cut off (the reducer's `stopped`). */
export function isStoppedCall(call: ToolCallState): boolean {
  return call.status === 'stopped'
}

/** A node the job's abort cut off (the reducer's `stopped`). */
export function isStoppedNode(node: NodeState): boolean {
  return node.status === 'stopped'
}

/** An AI SDK tool part as these helpers read it. */
interface ToolPartLike {
  state: string
  errorText?: string
  approval?: { approved?: boolean, reason?: string }
}

/**
 * An AI SDK tool part the job's end cut off before its approval was granted (it never ran): the
 * chat route denies such a call with a reason saying the answer was stopped, or failed, first
 * (shared/ended-before-approval.ts) — the user did not deny it. Null for any other part.
 */
export function toolPartEndedBeforeApproval(part: ToolPartLike): EndedBeforeApproval | null {
  return part.state === 'output-denied' ? endedBeforeApproval(part.approval?.reason) : null
}

/**
 * An AI SDK tool part the job's abort cut off: the chat route ends such a call `output-error` with
 * the reducer's wording (`job aborted`, `job aborted (aborted)`), as it ends in the job's state, or
 * denied if its approval still waited (`toolPartEndedBeforeApproval`).
 */
export function isStoppedToolPart(part: ToolPartLike): boolean {
  return (part.state === 'output-error' && /^job aborted(?: \(.*\))?$/.test(part.errorText ?? '')) || toolPartEndedBeforeApproval(part) === 'stopped'
}

/** The note under a call the Stop cut off while it ran. */
export const STOPPED_RUNNING_NOTE = 'Stopped before it finished.'
/** The note under a call the Stop cut off while it waited for approval: it never started. */
export const STOPPED_AT_APPROVAL_NOTE = 'Stopped while it waited for approval; it did not run.'

/** What a call the Stop cut off says: one still waiting for its approval never ran. */
export function stoppedCallNote(call: ToolCallState, job: JobState | null | undefined): string {
  const waited = call.approvalId !== undefined && !job?.answeredInputs.some(input => input.requestId === call.approvalId)
  return waited ? STOPPED_AT_APPROVAL_NOTE : STOPPED_RUNNING_NOTE
}

/**
 * The same on the AI SDK page: a part still asking (`approval-requested`), or ended by the job's
 * abort with its approval never answered (denied with the route's reason; an answer stored before
 * that change kept the request's id alone).
 */
export function stoppedToolPartNote(part: ToolPartLike): string {
  const waited = part.state === 'approval-requested' || (part.approval !== undefined && part.approval.approved === undefined) || toolPartEndedBeforeApproval(part) === 'stopped'
  return waited ? STOPPED_AT_APPROVAL_NOTE : STOPPED_RUNNING_NOTE
}

/**
 * The note under a stopped turn of the main chat: a chat's partial answer is kept — also one that
 * only reasoned or called tools (some of the answer came) —; a workflow's finished steps are (its
 * text is only their drafts). The AI SDK page words its answers the same (answer-end.ts).
 */
export function stoppedTurnNote(state: Pick<JobState, 'content' | 'reasoning' | 'toolCalls'> | null | undefined, workflowSteps: { finished: boolean } | null): string {
  if (workflowSteps) return workflowSteps.finished ? 'Stopped — the steps that finished are kept.' : 'Stopped before any step finished.'
  return state && (state.content || state.reasoning.trim() || state.toolCalls.length) ? STOPPED_PARTIAL_NOTE : STOPPED_UNANSWERED_NOTE
}
