/**
 * POST /api/jobs/chat/:chatId/abort — aborts the chat's running jobs (idempotent; partial content
 * kept). The SDK's `stop()` only closes the response, which never stops a background job: call
 * this next to it to stop the answer itself. With a body `{ messageId }`, only the jobs that
 * answer that user message (another tab's newer message runs on: chat-abort-body.ts). While the
 * store is down, the instance running the turn still stops it (answering once the aborted end is
 * stored, as the native abort does).
 */
import { chatJobsToStop } from '../../../../lib/ai-sdk/chat-turn'
import { readChatAbortBody } from '../../../../lib/ai-sdk/chat-abort-body'
import { answersMessage } from '../../../../lib/ai-sdk/user-message-ids'
import { defineJobsHandler } from '../../../../lib/http/handler'
import { chatIdParam } from '../../../../lib/ai-sdk/chat-id-param'

export default defineJobsHandler(async (context) => {
  const chatId = chatIdParam(context.event)
  const { messageId } = await readChatAbortBody(context.event, context.config.limits.maxBodyBytes)
  const jobs = (await chatJobsToStop(context, chatId)).filter(job => messageId === undefined || answersMessage(job, messageId))
  return { jobs: await Promise.all(jobs.map(job => context.engine.abortJob(context.userId, job.id))) }
})
