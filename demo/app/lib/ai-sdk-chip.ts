/**
 * The /ai-sdk page's status chip: the SDK's status, coloured as the main chat's chip (a request
 * that failed in the failure colour), except where the SDK's status would mislead. An approval that
 * waits reads `waiting for you` (the response that asked ended: `ready` to the SDK). After a Stop
 * that closed the answer's response but could not stop its job (`unfollowed`, lib/ai-sdk-stop.ts),
 * the answer may still run on the server: `not stopped`, in the colour the main chat gives an answer
 * whose server is away, until a Stop works or the chat is read again. Pure, so it is unit-tested.
 */
import type { ChatStatus } from 'ai'

export interface AiSdkChipInput {
  /** The SDK's status. */
  status: ChatStatus
  /** A response is open (the SDK's `submitted` or `streaming`). */
  busy: boolean
  /** A tool approval waits for the user. */
  awaitingApproval: boolean
  /** The last Stop closed the response but could not stop the job. */
  unfollowed: boolean
}

/** What the chip says (`label`) and the colour it takes (`status`, the main chat's chip statuses). */
export function aiSdkChip({ status, busy, awaitingApproval, unfollowed }: AiSdkChipInput): { status: string, label: string } {
  if (awaitingApproval) return { status: 'waiting', label: 'waiting for you' }
  if (unfollowed && !busy) return { status: 'away', label: 'not stopped' }
  return { status: busy ? 'running' : status === 'error' ? 'failed' : 'completed', label: status }
}
