/**
 * Approvals posted again for an answer that was stopped after it took them. The SDK's
 * `sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses` posts a message
 * whenever a response ends with its last step's tool calls answered and none run yet — which is
 * what an answer aborted while an approved tool ran looks like to a client whose response was cut
 * before the stop reached it (one that read the stop has the call cut off, `output-error`, and
 * does not post). The job took those answers and
 * was stopped on purpose: running the tool now would undo the stop, and a 409 ("not pending")
 * would put the chat in `error` for a stop the user asked for. So such a post is answered like
 * "Tool outputs last" (settled-stream.ts): nothing new runs.
 */
import { parseApprovalAnswer } from '../executor/tool-approval'
import type { JobsRouteContext } from '../http/handler'
import type { ApprovalAnswer } from './chat-request'

/**
 * True when job `messageId` (the assistant message the answers are on) is this user's, ended
 * aborted, and holds every one of `answers` with the same decision.
 */
export async function answeredBeforeAbort({ engine, userId }: JobsRouteContext, messageId: string | undefined, answers: ApprovalAnswer[]): Promise<boolean> {
  if (!messageId) return false
  let state
  try {
    ({ state } = await engine.getJob(userId, messageId))
  }
  catch {
    return false
  }
  if (state.status !== 'aborted') return false
  return answers.every((answer) => {
    const taken = state.answeredInputs.find(input => input.requestId === answer.approvalId && input.toolCallId === answer.toolCallId)
    if (!taken) return false
    try {
      return parseApprovalAnswer(taken.answer).approved === answer.approved
    }
    catch {
      return false
    }
  })
}
