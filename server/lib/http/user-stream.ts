/**
 * What the streaming routes share: a slot under the per-user, per-anonymous-address and global
 * stream caps (429 before anything is written, released on every path) and, for the SSE routes,
 * the resume position (`Last-Event-ID` or `?after=`) and the sink.
 */
import type { H3Event } from 'h3'
import { getQuery, getRequestHeader } from 'h3'
import type { StreamPosition } from '../../../shared/event-id'
import { parseLastEventId } from '../catch-up'
import { useStreamGate } from '../stream-limit'
import { anonymousClientAddress } from './anonymous-address'
import type { JobsRouteContext } from './handler'
import { isAnonymousRequest } from './resolve-user'
import type { SseSink } from './sse-sink'
import { createSseSink } from './sse-sink'

/** Runs `serve` holding one of the user's stream slots; released when it returns or throws. */
export async function withStreamSlot<T>({ event, userId, config }: JobsRouteContext, serve: () => Promise<T>): Promise<T> {
  const { maxStreamsPerUser, maxStreams, maxAnonymousStreamsPerAddress } = config.limits
  // An anonymous user's stream counts for its address too (a client without cookies is a new user per stream).
  const address = maxAnonymousStreamsPerAddress > 0 && isAnonymousRequest(event) ? anonymousClientAddress(event, config) : undefined
  const anonymous = address === undefined ? undefined : { address, limit: maxAnonymousStreamsPerAddress }
  const release = useStreamGate().acquire(userId, maxStreamsPerUser, maxStreams, anonymous)
  try {
    return await serve()
  }
  finally {
    release()
  }
}

/** The resume position of a stream request: `Last-Event-ID`, else `?lastEventId=`, else `?after=`. */
export function resumePosition(event: H3Event): StreamPosition | null {
  // `?lastEventId=` is what EventSource polyfills send on reconnect where they cannot set the header:
  // added to the URL they were given, which may hold an `?after=` of its own, older — it wins over
  // that as the header does.
  const query = getQuery(event)
  return parseLastEventId(getRequestHeader(event, 'last-event-id') ?? query.lastEventId ?? query.after)
}

/** Runs `serve` with an open sink; the stream slot is released when it returns or throws. */
export function withUserStream<T>(
  context: JobsRouteContext,
  serve: (stream: { sink: SseSink, after: StreamPosition | null }) => Promise<T>,
): Promise<T> {
  const { event, config } = context
  const after = resumePosition(event)
  return withStreamSlot(context, () => serve({
    sink: createSseSink(event.node.req, event.node.res, {
      compression: config.stream.compression,
      maxQueueBytes: config.stream.viewerQueueBytes,
    }),
    after,
  }))
}
