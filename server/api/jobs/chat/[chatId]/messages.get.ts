/**
 * GET /api/jobs/chat/:chatId/messages — the chat's UI messages rebuilt from its jobs, for
 * `useChat({ id, messages })` after a reload (then `resumeStream()` follows a running answer).
 * Another user's chat, like an unknown one, has none. Assistant messages carry the metadata of the
 * app's `background-jobs:chat-message-metadata` hook, as the client holds it after the stream.
 */
import { chatHistory } from '../../../../lib/ai-sdk/chat-history'
import { defineJobsHandler } from '../../../../lib/http/handler'
import { chatIdParam } from '../../../../lib/ai-sdk/chat-id-param'

export default defineJobsHandler(async context => ({
  messages: await chatHistory(context, chatIdParam(context.event), { metadata: true }),
}))
