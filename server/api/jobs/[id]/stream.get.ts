/**
 * GET /api/jobs/:id/stream — SSE: a snapshot (or, with Last-Event-ID / ?after=, only what was
 * missed), then the live tail. A finished job replays and closes; one already fully seen is 204,
 * which also tells EventSource to stop reconnecting.
 */
import { getQuery, getRequestHeader, getRouterParam, sendNoContent } from 'h3'
import { parseLastEventId } from '../../../lib/catch-up'
import { defineJobsHandler } from '../../../lib/http/handler'
import { createSseSink } from '../../../lib/http/sse-sink'
import { useMetrics } from '../../../lib/metrics'
import { useStreamGate } from '../../../lib/stream-limit'

export default defineJobsHandler(async ({ event, engine, userId, config }) => {
  const afterSeq = parseLastEventId(getRequestHeader(event, 'last-event-id') ?? getQuery(event).after)
  // Over the per-user cap → 429 before anything is written; the slot is released on every path.
  const release = useStreamGate().acquire(userId, config.limits.maxStreamsPerUser)
  try {
    const sink = createSseSink(event.node.req, event.node.res, {
      compression: config.stream.compression,
      maxQueueBytes: config.stream.viewerQueueBytes,
    })
    const metrics = useMetrics()
    const send = sink.send.bind(sink)
    sink.send = (frame) => {
      metrics.increment('events_sent_total', { event: frame.event })
      send(frame)
    }
    const attachment = await engine.attachViewer(userId, getRouterParam(event, 'id') ?? '', sink, afterSeq)
    metrics.increment('viewers_attached_total')
    if (attachment.upToDate && !sink.started) return sendNoContent(event)
    if (!attachment.open) {
      sink.close()
      return
    }
    // Disconnecting a viewer never cancels the job: it only detaches.
    await sink.closed
    attachment.detach()
  }
  finally {
    release()
  }
})
