/**
 * GET /api/jobs/notifications — one SSE stream of the user's job-created / job-end /
 * input-request / input-answered / job-deleted / job-lost notifications, resumable by Last-Event-ID. A stream
 * opened without one starts with a `stream-start` event whose id is its resume position. Counts
 * toward limits.maxStreamsPerUser with the job streams.
 */
import { defineJobsHandler } from '../../lib/http/handler'
import { withUserStream } from '../../lib/http/user-stream'
import { useMetrics } from '../../lib/metrics'

export default defineJobsHandler(context => withUserStream(context, async ({ sink, after }) => {
  // Cut for its client's backpressure: counted (docs/metrics.md), as viewers' resyncs are.
  sink.onCut = reason => useMetrics().increment('notification_streams_cut_total', { reason })
  const detach = context.engine.attachNotifications(context.userId, {
    send: notification => sink.write(notification.type, notification.id, notification),
    position: id => sink.write('stream-start', id, { type: 'stream-start', id }),
    comment: text => sink.comment(text),
    close: () => sink.close(),
  }, after?.epoch === 1 ? after.seq : null)
  sink.comment('connected')
  await sink.closed
  detach()
}), { liveStream: true })
