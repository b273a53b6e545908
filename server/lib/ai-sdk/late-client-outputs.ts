/**
 * A client tool's output that comes after its wait ended. A `runtime: 'client'` call waits for the
 * browser's output within `limits.inputTimeoutMs` (client-tool-answers.ts); a browser tool slower
 * than that (a geolocation prompt left open), or a tab asleep meanwhile, posts its `addToolOutput`
 * once the job has gone on: the wait expired (`timeout`), was voided (a takeover, a withdrawal) or
 * the job ended while it waited (stopped, its time limit). A `400` there put the chat in `error`
 * with nothing the user could do. As for an approval whose job went on without it
 * (answered-approvals.ts), such a post gets the job's stream from just before the first of those
 * calls' ends: the client sees the call end as it did (`output-error` with the timeout or stop
 * reason) and what the model said after, live while the job runs. The output reaches nothing.
 * An `output-error` the browser gave is late the same way (the settled stream it got closed the
 * message before the model's answer without it, shown only on a reload).
 * It applies only when the post answers nothing the job waits for and every output the job does
 * not have is such a late one: an output for a call the job never asked the browser for (its own
 * tool's, an unknown id) is still the 400 of client-tool-outputs.ts, answering nothing. Beside
 * tool approvals (whose waits ended with it, as a rule) the approvals are taken as without it and
 * the stream starts before the first end of either (`earlierStart`).
 */
import type { JobEvent } from '../../../shared/events'
import type { JobState } from '../../../shared/reducer'
import { applyEvent, createJobState, isToolOutcome } from '../../../shared/reducer'
import type { JobSummary } from '../engine-types'
import type { JobsRouteContext } from '../http/handler'
import type { ViewerFrame, ViewerSink } from '../viewer'
import type { UiMessageInput } from './chat-request'
import type { PostedJob } from './chat-job'
import { chatJobOf } from './chat-job'
import { clientOutputsOf, endedUnanswered, pendingOutputRequest } from './client-tool-answers'

/**
 * The job of assistant message `messageId` of chat `chatId` and the state its stream starts from,
 * when `message` holds outputs the job does not have (`output-available` on a call it did not
 * complete) and every one of them is for a call the job asked the browser for and stopped waiting
 * for without an output; otherwise null.
 */
export async function lateClientToolOutputs(context: JobsRouteContext, chatId: string, message: UiMessageInput, posted: PostedJob): Promise<{ job: JobSummary, state: JobState } | null> {
  if (!message.parts.some(part => part.state === 'output-available' || part.state === 'output-error')) return null
  const found = await chatJobOf(posted, chatId)
  if (!found) return null
  const { job, state } = found
  // An output the job waits for is an answer (client-tool-answers.ts), not a late one.
  if (clientOutputsOf(message).some(output => pendingOutputRequest(state, output.toolCallId))) return null
  const late = new Set(outputsTheJobLacks(message, state))
  if (late.size === 0) return null
  const start = await beforeFirstEnd(context, job, late)
  return start ? { job, state: start } : null
}

/**
 * The calls of `message` with an output the job did not give: `output-available` on a call it did
 * not complete, `output-error` whose error is not the one the job ended the call with (the
 * browser's own, `addToolOutput({ state: 'output-error' })`). An `output-error` the job gave (its
 * stream's timeout or stop, posted back by the SDK's automatic send) is not late: that post gets
 * the settled stream, which closes the step, so the SDK does not post it again.
 */
function outputsTheJobLacks(message: UiMessageInput, state: JobState): string[] {
  return message.parts.flatMap((part) => {
    if (typeof part.toolCallId !== 'string') return []
    const call = state.toolCalls.find(candidate => candidate.id === part.toolCallId)
    if (part.state === 'output-available') return call?.status === 'completed' ? [] : [part.toolCallId]
    if (part.state !== 'output-error' || call?.status === 'completed') return []
    const given = call && isToolOutcome(call.status) ? call.error || `tool ${call.status}` : undefined
    return part.errorText === given ? [] : [part.toolCallId]
  })
}

/**
 * Reads the job's log (as a viewer that attaches and leaves at once, chat-history.ts) for the
 * `tool-output` requests of `calls`: the state just before the first of their ends (an answer
 * that is no output, or the job's end while one waited), once every call was asked and ended so;
 * null when one was never asked, or was answered.
 */
async function beforeFirstEnd(context: JobsRouteContext, job: JobSummary, calls: Set<string>): Promise<JobState | null> {
  const frames: ViewerFrame[] = []
  const sink: ViewerSink = { send: frame => frames.push(frame), comment() {}, close() {} }
  const attachment = await context.engine.attachViewer(context.userId, job.id, sink, 0)
  attachment.detach()
  /** Each call's request: waiting, or how it ended. */
  const requests = new Map<string, { requestId: string, ended: 'no' | 'unanswered' | 'answered' }>()
  let known = createJobState({ id: job.id, type: job.type, createdAt: job.createdAt })
  let start: JobState | null = null
  const note = (toolCallId: string | undefined, requestId: string, ended: 'no' | 'unanswered' | 'answered') => {
    if (toolCallId !== undefined && calls.has(toolCallId)) requests.set(toolCallId, { requestId, ended })
  }
  for (const frame of frames) {
    if (frame.event === 'snapshot') {
      // The log is not held from its start: what the snapshot knows of the requests.
      known = frame.data
      for (const input of known.pendingInputs) if (input.kind === 'tool-output') note(input.toolCallId, input.requestId, 'no')
      for (const input of known.answeredInputs) if (input.kind === 'tool-output') note(input.toolCallId, input.requestId, endedUnanswered(input.answeredBy) ? 'unanswered' : 'answered')
      if ([...requests.values()].some(request => request.ended === 'unanswered')) start ??= known
      continue
    }
    const event = frame.data as JobEvent
    if (event.type === 'input-request' && event.kind === 'tool-output') note(event.toolCallId, event.requestId, 'no')
    if (event.type === 'input-response') {
      const entry = [...requests].find(([, request]) => request.requestId === event.requestId)
      if (entry) {
        if (endedUnanswered(event.answeredBy)) start ??= known
        note(entry[0], event.requestId, endedUnanswered(event.answeredBy) ? 'unanswered' : 'answered')
      }
    }
    if (event.type === 'job-end') {
      for (const [toolCallId, request] of requests) {
        if (request.ended !== 'no') continue
        start ??= known
        note(toolCallId, request.requestId, 'unanswered')
      }
    }
    known = applyEvent(known, event)
  }
  const everyLate = requests.size === calls.size && [...requests.values()].every(request => request.ended === 'unanswered')
  return everyLate ? start : null
}

/**
 * Whether a post's late outputs (`late`) start its stream rather than its approvals' answer
 * (`answered`; null: the settled stream of approvals an aborted answer took, stopped-approvals.ts).
 * Both waits usually end together (the same `limits.inputTimeoutMs`, the same Stop): the stream
 * starts before the first of those ends, so the client sees every call end as it did.
 */
export function earlierStart(late: { job: JobSummary, state: JobState }, answered: { job: JobSummary, state: JobState } | null): boolean {
  return !answered || (answered.job.id === late.job.id && late.state.seq < answered.state.seq)
}
