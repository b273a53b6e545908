/** GET /api/jobs/threads — the user's threads, newest first, a page at a time (`?limit=&before=`). */
import { getQuery } from 'h3'
import { defineJobsHandler } from '../../lib/http/handler'
import { validate } from '../../lib/http/request'
import { threadsQuerySchema } from '../../lib/http/threads-query'

export default defineJobsHandler(async ({ event, engine, userId }) => {
  const query = validate(threadsQuerySchema, getQuery(event))
  return await engine.listThreads(userId, query)
})
