/**
 * HEAD /api/jobs/chat/:chatId/stream — what the AI SDK resume's GET answers (200 with the UI
 * message stream headers when the chat has a turn running, else 204), with no body: no viewer is
 * attached and no stream slot taken.
 */
import { sendNoContent } from 'h3'
import { resumableChatJob } from '../../../../lib/ai-sdk/chat-turn'
import { UI_MESSAGE_STREAM_HEADERS } from '../../../../lib/ai-sdk/ui-chunks'
import { withRetryHint } from '../../../../lib/ai-sdk/retry-hint'
import { defineJobsHandler } from '../../../../lib/http/handler'
import { sendStreamHead } from '../../../../lib/http/stream-head'
import { chatIdParam } from '../../../../lib/ai-sdk/chat-id-param'

export default defineJobsHandler(context => withRetryHint(async () => {
  const job = await resumableChatJob(context, chatIdParam(context.event))
  if (!job) return sendNoContent(context.event)
  sendStreamHead(context, UI_MESSAGE_STREAM_HEADERS)
}))
