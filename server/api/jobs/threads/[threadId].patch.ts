/**
 * PATCH /api/jobs/threads/:threadId — gives the user's thread a title `{ title }`; 200 `{ threadId,
 * title }` (the title as stored, trimmed). 404 for a thread the user does not have (another user's too).
 */
import { defineJobsHandler } from '../../../lib/http/handler'
import { readJsonBody, validate } from '../../../lib/http/request'
import { threadIdParam, threadRenameBodySchema } from '../../../lib/http/thread-rename-body'

export default defineJobsHandler(async ({ event, engine, userId, config }) => {
  const threadId = threadIdParam(event)
  const { title } = validate(threadRenameBodySchema, await readJsonBody(event, config.limits.maxBodyBytes))
  return await engine.renameThread(userId, threadId, title)
})
