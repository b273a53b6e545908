/**
 * GET /api/jobs/:id/stream — SSE: a snapshot (or, with Last-Event-ID / ?after=, only what was
 * missed), then the live tail. A finished job replays and closes; one already fully seen is 204,
 * which also tells EventSource to stop reconnecting.
 */
import { getQuery, getRequestHeader, getRouterParam, sendNoContent } from 'h3'
import { parseLastEventId } from '../../../lib/catch-up'
import { defineJobsHandler } from '../../../lib/http/handler'
import { createSseSink } from '../../../lib/http/sse-sink'

export default defineJobsHandler(async ({ event, engine, userId, config }) => {
  const afterSeq = parseLastEventId(getRequestHeader(event, 'last-event-id') ?? getQuery(event).after)
  const sink = createSseSink(event.node.req, event.node.res, {
    compression: config.stream.compression,
    maxQueueBytes: config.stream.viewerQueueBytes,
  })
  const attachment = await engine.attachViewer(userId, getRouterParam(event, 'id') ?? '', sink, afterSeq)
  if (attachment.upToDate && !sink.started) return sendNoContent(event)
  if (!attachment.open) {
    sink.close()
    return
  }
  // Disconnecting a viewer never cancels the job: it only detaches.
  await sink.closed
  attachment.detach()
})
