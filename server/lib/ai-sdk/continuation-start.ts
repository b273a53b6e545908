/**
 * Where the response that continues a job after the chat's approval answers starts. The client
 * has the job up to where its last response ended: waiting for those approvals. That is the job's
 * state when the answers arrive — unless one of the approvals the client answers was answered
 * elsewhere meanwhile (`POST /api/jobs/:id/input` from another tab, or its expiry), and the job
 * went on with it (its tool ran or was denied). Started from the state when the answers arrive,
 * the response left that out: the client kept its own answer on a call the job never ran with it
 * (`approval-responded`, `approved: true` on a call the job denied). So the response then starts
 * just before the first such answer, which it brings with what followed. Likewise, when the job
 * ended with an approval of `answers` still unanswered (stopped while it waited), the response
 * starts just before the end, which it brings (the call cut off), unless an answer came first.
 */
import type { JobEvent } from '../../../shared/events'
import { isTerminalStatus } from '../../../shared/events'
import type { JobState } from '../../../shared/reducer'
import { applyEvent, createJobState } from '../../../shared/reducer'
import type { JobSummary } from '../engine-types'
import type { JobsRouteContext } from '../http/handler'
import type { ViewerFrame, ViewerSink } from '../viewer'
import type { ApprovalAnswer } from './chat-request'

/** The state the continuation of `job` (now at `state`) starts from, for the client's `answers` (their request ids: approvals', or client tool outputs'). */
export async function continuationStart(context: JobsRouteContext, job: JobSummary, state: JobState, answers: ReadonlyArray<Pick<ApprovalAnswer, 'approvalId'>>): Promise<JobState> {
  const elsewhere = new Set(answers.filter(answer => state.answeredInputs.some(input => input.requestId === answer.approvalId)).map(answer => answer.approvalId))
  // An approval the job never answered, ended since: the client lacks that end.
  const cutOff = isTerminalStatus(state.status) && answers.some(answer => !elsewhere.has(answer.approvalId))
  if (elsewhere.size === 0 && !cutOff) return state
  // The job's log, read like a viewer that attaches and leaves at once (chat-history.ts).
  const frames: ViewerFrame[] = []
  const sink: ViewerSink = { send: frame => frames.push(frame), comment() {}, close() {} }
  const attachment = await context.engine.attachViewer(context.userId, job.id, sink, 0)
  attachment.detach()
  let known = createJobState({ id: job.id, type: job.type, createdAt: job.createdAt })
  for (const frame of frames) {
    // The log is not held from its start: the job's state, as before.
    if (frame.event === 'snapshot') return state
    const event = frame.data as JobEvent
    if (event.type === 'input-response' && elsewhere.has(event.requestId)) return known
    if (event.type === 'job-end' && cutOff) return known
    known = applyEvent(known, event)
  }
  return state
}
