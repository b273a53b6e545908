/**
 * DELETE /api/jobs?threadId=… — deletes every job of the user's thread that has ended, as one
 * request against `limits.deletePerMinute`; 200 `{ deleted, active, more }` (shared/api-types.ts).
 */
import { getQuery } from 'h3'
import { defineJobsHandler } from '../../lib/http/handler'
import { validate } from '../../lib/http/request'
import { deleteThreadQuerySchema } from '../../lib/http/schemas'

export default defineJobsHandler(async ({ event, engine, userId }) => {
  const { threadId } = validate(deleteThreadQuerySchema, getQuery(event))
  return await engine.deleteThread(userId, threadId)
})
