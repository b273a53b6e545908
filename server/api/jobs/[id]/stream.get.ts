/**
 * GET /api/jobs/:id/stream — SSE: a snapshot (or, with Last-Event-ID / ?after=, only what was
 * missed), then the live tail. A finished job replays and closes; one already fully seen is 204,
 * which also tells EventSource to stop reconnecting.
 */
import { getRouterParam, sendNoContent } from 'h3'
import { defineJobsHandler } from '../../../lib/http/handler'
import { withUserStream } from '../../../lib/http/user-stream'
import { useMetrics } from '../../../lib/metrics'

export default defineJobsHandler(context => withUserStream(context, async ({ sink, after }) => {
  const { event, engine, userId } = context
  const metrics = useMetrics()
  sink.onSent = metrics.labeledCounter('events_sent_total', 'event')
  // Cut for its client's backpressure (stalled, or fell behind with no resync): counted (docs/metrics.md).
  sink.onCut = reason => metrics.increment('streams_cut_total', { stream: 'job', reason })
  const attachment = await engine.attachViewer(userId, getRouterParam(event, 'id') ?? '', sink, after)
  metrics.increment('viewers_attached_total')
  if (attachment.upToDate && !sink.started) return sendNoContent(event)
  if (!attachment.open) {
    sink.close()
    return
  }
  // A resumed viewer that missed nothing has had nothing written yet: answer now, not at the first
  // event or heartbeat (a quiet job — a slow tool, a question to the user — may be minutes away).
  sink.open()
  // Disconnecting a viewer never cancels the job: it only detaches.
  await sink.closed
  attachment.detach()
}), { liveStream: true })
