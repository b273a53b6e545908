/**
 * HEAD on a stream route (load balancers, uptime checkers): the status and headers its GET would
 * start with, no body — and nothing else: no viewer attached, no subscription opened, no stream
 * slot taken (limits.maxStreams / maxStreamsPerUser count only real streams).
 */
import type { JobsRouteContext } from './handler'
import { streamHeaders } from './stream-headers'

/** Answers 200 with the stream's headers (`headers`: the format's own, e.g. the UI message stream's) and ends. */
export function sendStreamHead({ event, config }: JobsRouteContext, headers?: Record<string, string>): void {
  const { req, res } = event.node
  res.writeHead(200, streamHeaders(req, res, { compression: config.stream.compression, headers }).headers)
  res.end()
}
