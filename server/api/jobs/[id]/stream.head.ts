/**
 * HEAD /api/jobs/:id/stream — what the stream's GET answers (200 with the stream headers; 204 when
 * `Last-Event-ID` / `?after=` is already at a finished job's end; 404 for a job the user cannot
 * see, 401 signed out, 503 while the server shuts down), with no body: no viewer is attached and no stream slot taken. The job is
 * looked up as a viewer's would be (from memory when this instance runs it).
 */
import { getRouterParam, sendNoContent } from 'h3'
import { defineJobsHandler } from '../../../lib/http/handler'
import { sendStreamHead } from '../../../lib/http/stream-head'
import { resumePosition } from '../../../lib/http/user-stream'

export default defineJobsHandler(async (context) => {
  const { upToDate } = await context.engine.probeStream(context.userId, getRouterParam(context.event, 'id') ?? '', resumePosition(context.event))
  if (upToDate) return sendNoContent(context.event)
  sendStreamHead(context)
})
