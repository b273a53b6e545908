/**
 * What an AI SDK tool approval really asks: the arguments the tool's schema produced (defaults,
 * transforms: what `execute` will get), not the model's raw ones the SDK keeps as the part's
 * `input`. The job's input request carries them; the demo's `background-jobs:chat-message-metadata`
 * hook (server/plugins/approval-args-metadata.ts) puts them in the finish metadata of a response
 * that ends waiting, keyed by tool call id, and the page shows them while the approval waits.
 * The part's `input` is left alone: it is what the SDK sends back to the model. Pure, so it is
 * unit-tested.
 */

/** The part of the finish metadata this sets. */
export interface ApprovalArgsMetadata {
  approvalArgs: Record<string, unknown>
}

/** The checked arguments of each tool approval the job waits for, or null when it waits for none. */
export function approvalArgsMetadata(pendingInputs: ReadonlyArray<{ kind: string, toolCallId?: string, args?: unknown }>): ApprovalArgsMetadata | null {
  const approvalArgs: Record<string, unknown> = {}
  for (const input of pendingInputs) {
    if (input.kind === 'tool-approval' && input.toolCallId && input.args !== undefined) approvalArgs[input.toolCallId] = input.args
  }
  return Object.keys(approvalArgs).length ? { approvalArgs } : null
}

/** The checked arguments of this call's approval, from the message's metadata; undefined when none came. */
export function approvalArgsOf(metadata: unknown, toolCallId: string): unknown {
  if (!metadata || typeof metadata !== 'object') return undefined
  const { approvalArgs } = metadata as Partial<ApprovalArgsMetadata>
  if (!approvalArgs || typeof approvalArgs !== 'object' || !Object.hasOwn(approvalArgs, toolCallId)) return undefined
  return approvalArgs[toolCallId]
}
