/**
 * The runner the engine calls for chat jobs: the request's messages through the tool loop.
 * Only the request's tool *names* are used; definitions never come from a request body.
 * Resolves when the model answered; throws `JobFailure` (model error, stop condition) or the
 * abort reason, and the engine ends the job accordingly with the partial content kept.
 * A job continued after a takeover (`recovery.chat` = `continue`) sends its stored rounds and text
 * (continuation.ts), so the model continues the answer and the viewer sees one text; calls the lost
 * owner left unanswered end as errors first; its rounds go on counting from the stored ones (a round
 * that asked for tools was over: the next one is new, not a prefill), and so do its calls, for the
 * repeated-call limit. A lost owner that stored its final round (a round without tool calls) but
 * died before the job's end was stored left a complete answer: the job ends `completed` with it,
 * asking the model nothing more (`answeredBefore`) — or fails, when the provider's content filter
 * ended that round before any text (filtered-answer.ts).
 */
import type { ChatJobRequest } from '../providers/types'
import type { RunContext } from '../run-context'
import { runAgentLoop } from './agent-loop'
import { countStoredToolResult } from './tool-metrics'
import { filteredAnswer, isFilteredAnswer } from './filtered-answer'
import { answeredBefore, continuationMessages, interruptedCallError, interruptedCalls, prefillOf, previousCallsOf } from './continuation'

/** Runs one chat job. */
export async function runChatJob(context: RunContext, request: ChatJobRequest): Promise<void> {
  const resumed = context.resumedFrom
  for (const call of interruptedCalls(resumed)) {
    context.emit({ type: 'tool-result', id: call.id, status: 'error', error: interruptedCallError(call, resumed ?? undefined), durationMs: 0 })
    countStoredToolResult(context, call.name, 'error')
  }
  if (resumed && answeredBefore(resumed)) {
    // Its last round was filtered before any text: the job fails, as the lost owner's run would have.
    if (isFilteredAnswer(resumed.steps.findLast(step => !step.nodeId)?.finishReason, prefillOf(resumed, context.resumedTextStarts))) throw filteredAnswer()
    return
  }
  await runAgentLoop(context, {
    messages: continuationMessages(request, resumed, context.config.limits.maxResultBytes, context.resumedTextStarts),
    ...(request.model ? { model: request.model } : {}),
    ...(request.tools ? { toolNames: request.tools } : {}),
    ...(resumed ? { firstStep: resumed.steps.length + 1, continuesText: prefillOf(resumed, context.resumedTextStarts) !== '', previousCalls: previousCallsOf(resumed) } : {}),
  })
}
