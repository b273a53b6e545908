/**
 * The reason given to a tool call whose approval the job's end cut off (stopped or failed while it
 * waited): it was never approved, so the tool never ran. The AI SDK route says so as the SDK's
 * denied approval (`tool-approval-response { approved: false, reason }`, then `tool-output-denied`)
 * — the only ended shape the SDK's `validateUIMessages` takes for a call whose approval was not
 * granted, and what the model is told of the call on the next turn (`convertToModelMessages` gives
 * it the reason). The demo's /ai-sdk page reads the reason back to say "stopped", not "denied".
 */

/** How the job's end cut such a call off. */
export type EndedBeforeApproval = 'stopped' | 'failed'

/** The reason of a call whose approval waited when the answer was stopped. */
export const STOPPED_BEFORE_APPROVAL_REASON = 'The answer was stopped before the call was approved; the tool did not run.'

const FAILED_BEFORE_APPROVAL = /^The answer failed(?: \([^)]*\))? before the call was approved; the tool did not run\.$/

/** The reason for a call cut off by the job's end (`aborted` or `failed`, with the job's error code). */
export function endedBeforeApprovalReason(status: 'aborted' | 'failed', code?: string): string {
  if (status === 'aborted') return STOPPED_BEFORE_APPROVAL_REASON
  return `The answer failed${code ? ` (${code})` : ''} before the call was approved; the tool did not run.`
}

/** How the job's end cut a call off before its approval, read from its approval's reason (null: another reason). */
export function endedBeforeApproval(reason: string | undefined): EndedBeforeApproval | null {
  if (reason === STOPPED_BEFORE_APPROVAL_REASON) return 'stopped'
  return reason !== undefined && FAILED_BEFORE_APPROVAL.test(reason) ? 'failed' : null
}
