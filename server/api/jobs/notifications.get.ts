/**
 * GET /api/jobs/notifications — one SSE stream of the user's job-created / job-end /
 * input-request notifications, resumable by Last-Event-ID.
 */
import { getQuery, getRequestHeader } from 'h3'
import { parseLastEventId } from '../../lib/catch-up'
import { defineJobsHandler } from '../../lib/http/handler'
import { createSseSink } from '../../lib/http/sse-sink'
import { useStreamGate } from '../../lib/stream-limit'

export default defineJobsHandler(async ({ event, engine, userId, config }) => {
  const afterId = parseLastEventId(getRequestHeader(event, 'last-event-id') ?? getQuery(event).after)
  // Counts toward limits.maxStreamsPerUser with the job streams.
  const release = useStreamGate().acquire(userId, config.limits.maxStreamsPerUser)
  try {
    const sink = createSseSink(event.node.req, event.node.res, {
      compression: config.stream.compression,
      maxQueueBytes: config.stream.viewerQueueBytes,
    })
    const detach = engine.attachNotifications(userId, {
      send: notification => sink.write(notification.type, notification.id, notification),
      comment: text => sink.comment(text),
      close: () => sink.close(),
    }, afterId)
    sink.comment('connected')
    await sink.closed
    detach()
  }
  finally {
    release()
  }
})
