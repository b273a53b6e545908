/**
 * POST /api/jobs/chat/:chatId/abort — aborts the chat's running jobs (idempotent; partial content
 * kept). The SDK's `stop()` only closes the response, which never stops a background job: call
 * this next to it to stop the answer itself. While the store is down, the instance running the
 * turn still stops it (answering once the aborted end is stored, as the native abort does).
 */
import { chatJobsToStop } from '../../../../lib/ai-sdk/chat-turn'
import { defineJobsHandler } from '../../../../lib/http/handler'
import { chatIdParam } from '../../../../lib/ai-sdk/chat-id-param'

export default defineJobsHandler(async (context) => {
  const jobs = await chatJobsToStop(context, chatIdParam(context.event))
  return { jobs: await Promise.all(jobs.map(job => context.engine.abortJob(context.userId, job.id))) }
})
