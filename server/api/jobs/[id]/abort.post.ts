/** POST /api/jobs/:id/abort — idempotent; the partial content is kept. */
import { getRouterParam } from 'h3'
import { defineJobsHandler } from '../../../lib/http/handler'

export default defineJobsHandler(async ({ event, engine, userId }) => ({
  job: await engine.abortJob(userId, getRouterParam(event, 'id') ?? ''),
}))
