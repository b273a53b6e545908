/**
 * POST /api/jobs/chat — the AI SDK's `DefaultChatTransport` endpoint. A new user message starts a
 * background job in the thread `id` (history from the UI messages) and answers with that job's
 * UI message stream; a message with tool approvals answered resumes the job that waits for them
 * and streams the rest. Closing the response never stops the job.
 */
import { readChatRequest } from '../../../lib/ai-sdk/chat-request'
import { answerChatApprovals, nothingKnown, startChatTurn } from '../../../lib/ai-sdk/chat-turn'
import { defineJobsHandler } from '../../../lib/http/handler'
import { readJsonBody } from '../../../lib/http/request'
import { serveUiStream } from '../../../lib/http/ui-stream'
import { withStreamSlot } from '../../../lib/http/user-stream'

export default defineJobsHandler(context => withStreamSlot(context, async () => {
  // The SDK posts the whole chat back every turn (tool inputs and outputs too): its own, larger limit.
  const intent = readChatRequest(await readJsonBody(context.event, context.config.limits.maxChatBodyBytes, 'limits.maxChatBodyBytes'))
  if (intent.kind === 'approvals') {
    const { job, state } = await answerChatApprovals(context, intent.request.id, intent.answers)
    return serveUiStream(context, job.id, state)
  }
  const job = await startChatTurn(context, intent.request)
  return serveUiStream(context, job.id, nothingKnown(job))
}))
