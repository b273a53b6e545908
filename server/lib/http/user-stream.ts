/**
 * What both SSE routes share: the resume position (`Last-Event-ID` or `?after=`), a slot under
 * the per-user and global stream caps (429 before anything is written, released on every path), and the sink.
 */
import { getQuery, getRequestHeader } from 'h3'
import { parseLastEventId } from '../catch-up'
import { useStreamGate } from '../stream-limit'
import type { JobsRouteContext } from './handler'
import type { SseSink } from './sse-sink'
import { createSseSink } from './sse-sink'

/** Runs `serve` with an open sink; the stream slot is released when it returns or throws. */
export async function withUserStream<T>(
  { event, userId, config }: JobsRouteContext,
  serve: (stream: { sink: SseSink, after: number | null }) => Promise<T>,
): Promise<T> {
  const after = parseLastEventId(getRequestHeader(event, 'last-event-id') ?? getQuery(event).after)
  const release = useStreamGate().acquire(userId, config.limits.maxStreamsPerUser, config.limits.maxStreams)
  try {
    const sink = createSseSink(event.node.req, event.node.res, {
      compression: config.stream.compression,
      maxQueueBytes: config.stream.viewerQueueBytes,
    })
    return await serve({ sink, after })
  }
  finally {
    release()
  }
}
