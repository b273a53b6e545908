/**
 * The runner the engine calls for chat jobs: the request's messages through the tool loop.
 * Only the request's tool *names* are used; definitions never come from a request body.
 * Resolves when the model answered; throws `JobFailure` (model error, stop condition) or the
 * abort reason, and the engine ends the job accordingly with the partial content kept.
 * A job continued after a takeover (`recovery.chat` = `continue`) sends the stored text as the
 * start of the assistant's answer (a prefill), so the model continues it and the viewer sees one
 * text; its rounds go on counting from the stored ones.
 */
import type { ChatJobRequest, ChatMessage } from '../providers/types'
import type { RunContext } from '../run-context'
import { runAgentLoop } from './agent-loop'

/** The conversation to send: the request's, plus the stored answer so far when continuing. */
export function continuationMessages(request: ChatJobRequest, resumedFrom: RunContext['resumedFrom']): ChatMessage[] {
  if (!resumedFrom?.content) return request.messages
  return [...request.messages, { role: 'assistant', content: resumedFrom.content }]
}

/** Runs one chat job. */
export async function runChatJob(context: RunContext, request: ChatJobRequest): Promise<void> {
  const resumed = context.resumedFrom
  await runAgentLoop(context, {
    messages: continuationMessages(request, resumed),
    ...(request.model ? { model: request.model } : {}),
    ...(request.tools ? { toolNames: request.tools } : {}),
    ...(resumed ? { firstStep: resumed.steps.length + 1, continuesText: resumed.content !== '' } : {}),
  })
}
