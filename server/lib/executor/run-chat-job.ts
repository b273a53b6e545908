/**
 * The runner the engine calls for chat jobs: the request's messages through the tool loop.
 * Only the request's tool *names* are used; definitions never come from a request body.
 * Resolves when the model answered; throws `JobFailure` (model error, stop condition) or the
 * abort reason, and the engine ends the job accordingly with the partial content kept.
 */
import type { ChatJobRequest } from '../providers/types'
import type { RunContext } from '../run-context'
import { runAgentLoop } from './agent-loop'

/** Runs one chat job. */
export async function runChatJob(context: RunContext, request: ChatJobRequest): Promise<void> {
  await runAgentLoop(context, {
    messages: request.messages,
    ...(request.model ? { model: request.model } : {}),
    ...(request.tools ? { toolNames: request.tools } : {}),
  })
}
