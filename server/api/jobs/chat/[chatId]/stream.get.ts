/**
 * GET /api/jobs/chat/:chatId/stream — the AI SDK's `reconnectToStream` (`resumeStream()`): the
 * chat's running job replayed from its start, then the live tail; 204 when none runs (finished
 * chats, unknown chats and other users' chats alike), as an AI SDK route answers. A turn this
 * instance runs is resumed from memory, also while the store is down (chat-turn.ts).
 */
import { sendNoContent } from 'h3'
import { nothingKnown, resumableChatJob } from '../../../../lib/ai-sdk/chat-turn'
import { withRetryHint } from '../../../../lib/ai-sdk/retry-hint'
import { defineJobsHandler } from '../../../../lib/http/handler'
import { serveUiStream } from '../../../../lib/http/ui-stream'
import { withStreamSlot } from '../../../../lib/http/user-stream'
import { chatIdParam } from '../../../../lib/ai-sdk/chat-id-param'

export default defineJobsHandler(context => withRetryHint(() => withStreamSlot(context, async () => {
  const job = await resumableChatJob(context, chatIdParam(context.event))
  if (!job) return sendNoContent(context.event)
  return serveUiStream(context, job.id, nothingKnown(job))
})), { liveStream: true, textErrors: true })
