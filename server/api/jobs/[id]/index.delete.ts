/** DELETE /api/jobs/:id — deletes a job that has ended (204); one still running is a 409: abort it first. */
import { getRouterParam, setResponseStatus } from 'h3'
import { defineJobsHandler } from '../../../lib/http/handler'

export default defineJobsHandler(async ({ event, engine, userId }) => {
  await engine.deleteJob(userId, getRouterParam(event, 'id') ?? '')
  setResponseStatus(event, 204)
  return null
})
