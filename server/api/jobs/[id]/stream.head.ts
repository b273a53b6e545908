/**
 * HEAD /api/jobs/:id/stream — what the stream's GET answers (200 with the stream headers, 404 for
 * a job the user cannot see, 401 signed out), with no body: no viewer is attached and no stream
 * slot taken. The job is looked up as a viewer's would be (from memory when this instance runs it).
 */
import { getRouterParam } from 'h3'
import { defineJobsHandler } from '../../../lib/http/handler'
import { sendStreamHead } from '../../../lib/http/stream-head'

export default defineJobsHandler(async (context) => {
  await context.engine.findJob(context.userId, getRouterParam(context.event, 'id') ?? '')
  sendStreamHead(context)
})
