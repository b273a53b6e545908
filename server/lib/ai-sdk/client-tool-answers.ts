/**
 * The AI SDK's client-side tool flow: a `runtime: 'client'` call makes its job wait for the
 * browser (a `tool-output` input request, executor/client-tool-output.ts); the chat's response
 * ends with the call `input-available`, the SDK's `onToolCall` runs, `addToolOutput` gives it an
 * output, and `sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithToolCalls` (or
 * `sendMessage()`) posts the assistant message with it. Those outputs (`output-available`, or
 * `output-error` with its `errorText`) of calls the job waits for are its answers here; the
 * response then continues the job from where the client's view of it ended (also for outputs
 * posted again while the job runs on with them: `answeredBefore`).
 */
import type { JobState } from '../../../shared/reducer'
import type { JobSummary } from '../engine-types'
import { InputConflictError } from '../errors'
import type { ClientToolAnswer } from '../executor/client-tool-output'
import type { JobsRouteContext } from '../http/handler'
import type { UiMessageInput } from './chat-request'
import type { PostedJob } from './chat-job'
import { chatJobOf } from './chat-job'
import { continuationStart } from './continuation-start'
import { isTerminalStatus } from '../../../shared/events'

/** A tool output the client gave on a message's tool part. */
export interface ClientToolOutputPart {
  toolCallId: string
  answer: ClientToolAnswer
}

/** The output the client gave on a message's tool part (`output-available`, or `output-error` with its `errorText`); null for any other part. */
export function clientOutputOf(part: UiMessageInput['parts'][number]): ClientToolOutputPart | null {
  const isTool = part.type === 'dynamic-tool' || part.type.startsWith('tool-')
  if (!isTool || typeof part.toolCallId !== 'string') return null
  if (part.state === 'output-available') return { toolCallId: part.toolCallId, answer: { output: part.output === undefined ? null : part.output } }
  if (part.state !== 'output-error') return null
  const error = typeof part.errorText === 'string' && part.errorText.trim() ? part.errorText : 'the tool failed in the browser'
  return { toolCallId: part.toolCallId, answer: { error } }
}

/** The outputs the client gave on `message`'s tool parts (`output-available` and `output-error`). */
export function clientOutputsOf(message: UiMessageInput): ClientToolOutputPart[] {
  return message.parts.flatMap(part => clientOutputOf(part) ?? [])
}

/** An answer that is no output: the request's expiry, or its void (`system:owner-lost`, `system:cancelled`). */
export const endedUnanswered = (answeredBy: string) => answeredBy === 'timeout' || answeredBy.startsWith('system:')

/** The `tool-output` request of `state` that waits for call `toolCallId`, if any. */
export function pendingOutputRequest(state: Pick<JobState, 'pendingInputs'>, toolCallId: string): string | undefined {
  return state.pendingInputs.find(input => input.kind === 'tool-output' && input.toolCallId === toolCallId)?.requestId
}

/**
 * Answers the outputs on `message` (assistant message `messageId` of chat `chatId`) of the calls
 * its job waits for. Returns the job and the state its stream continues from (before the answers),
 * or null when the job waits for none of them (or is not this chat's). An answer that does not fit
 * is a `400` (InvalidAnswerError); one taken elsewhere meanwhile is left to the job's stream,
 * unless none was taken (`409`).
 */
export async function answerClientToolOutputs(context: JobsRouteContext, chatId: string, message: UiMessageInput, posted: PostedJob): Promise<{ job: JobSummary, state: JobState } | null> {
  const outputs = clientOutputsOf(message)
  if (outputs.length === 0) return null
  const found = await chatJobOf(posted, chatId)
  if (!found) return null
  const { job, state } = found
  const pending = outputs.flatMap(output => {
    const requestId = pendingOutputRequest(state, output.toolCallId)
    return requestId ? [{ requestId, answer: output.answer }] : []
  })
  if (pending.length === 0) return await answeredBefore(context, job, state, clientOutputsOf({ ...message, parts: lastStep(message) }))
  let taken = 0
  let conflict: InputConflictError | null = null
  for (const answer of pending) {
    await context.engine.limitRate(context.userId, 'input')
    try {
      await context.engine.answerInput(context.userId, job.id, answer)
      taken++
    }
    catch (error) {
      // Answered elsewhere since the job was read (another tab, the plain input route, its expiry).
      if (!(error instanceof InputConflictError)) throw error
      conflict ??= error
    }
  }
  if (taken === 0 && conflict) throw conflict
  return { job, state }
}

/** The parts of `message`'s last step (after its last `step-start`). */
function lastStep(message: UiMessageInput): UiMessageInput['parts'] {
  return message.parts.slice(message.parts.findLastIndex(part => part.type === 'step-start') + 1)
}

/**
 * The same outputs posted again while their job still runs on with them (the first post's response
 * was lost, or another tab gave them): the job's client calls whose outputs the message's last step
 * holds (where the client's view of the job ended) were all answered (not voided). The job's stream
 * from just before the first of those answers, so the client gets what followed — not the settled
 * stream, which would close the message on a job still answering. Outputs of an earlier step (a
 * message the client already has past them) and an ended job keep the settled stream.
 */
async function answeredBefore(context: JobsRouteContext, job: JobSummary, state: JobState, outputs: ClientToolOutputPart[]): Promise<{ job: JobSummary, state: JobState } | null> {
  if (isTerminalStatus(state.status)) return null
  // The outputs of the job's client calls (the others are the job's own, which refuseClientToolOutputs checked).
  const asked = state.answeredInputs.filter(input => input.kind === 'tool-output' && outputs.some(output => output.toolCallId === input.toolCallId))
  if (asked.length === 0 || asked.some(input => input.answeredBy.startsWith('system:'))) return null
  return { job, state: await continuationStart(context, job, state, asked.map(input => ({ approvalId: input.requestId }))) }
}
