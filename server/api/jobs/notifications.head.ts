/**
 * HEAD /api/jobs/notifications — what the notification stream's GET answers (200 with the stream
 * headers, 401 signed out, 503 while the server shuts down), with no body: nothing is attached and
 * no stream slot taken.
 */
import { defineJobsHandler } from '../../lib/http/handler'
import { sendStreamHead } from '../../lib/http/stream-head'

export default defineJobsHandler((context) => {
  context.engine.assertStreamsServed()
  sendStreamHead(context)
})
