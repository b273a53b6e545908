/** GET /api/jobs — the user's jobs, newest first, filterable by status, thread and message. */
import { getQuery } from 'h3'
import { defineJobsHandler } from '../../lib/http/handler'
import { validate } from '../../lib/http/request'
import { listQuerySchema } from '../../lib/http/schemas'

export default defineJobsHandler(async ({ event, engine, userId }) => {
  const query = validate(listQuerySchema, getQuery(event))
  return { jobs: await engine.listJobs(userId, query) }
})
