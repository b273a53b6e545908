/**
 * GET /api/jobs/chat/:chatId/stream — the AI SDK's `reconnectToStream` (`resumeStream()`): the
 * chat's running job replayed from its start, then the live tail; when none runs, its newest job
 * replayed whole while it is kept (`limits.retentionMs`), so a client that lost the end of an
 * answer gets all of it; 204 when the chat has no job (unknown chats and other users' chats alike).
 */
import { getRouterParam, sendNoContent } from 'h3'
import { nothingKnown, resumableChatJob } from '../../../../lib/ai-sdk/chat-turn'
import { withRetryHint } from '../../../../lib/ai-sdk/retry-hint'
import { defineJobsHandler } from '../../../../lib/http/handler'
import { serveUiStream } from '../../../../lib/http/ui-stream'
import { withStreamSlot } from '../../../../lib/http/user-stream'

export default defineJobsHandler(context => withRetryHint(() => withStreamSlot(context, async () => {
  const job = await resumableChatJob(context, getRouterParam(context.event, 'chatId', { decode: true }) ?? '')
  if (!job) return sendNoContent(context.event)
  return serveUiStream(context, job.id, nothingKnown(job))
})))
