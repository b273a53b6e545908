/**
 * The headers a stream response starts with — the same for its GET (sse-writer.ts) and its HEAD
 * (stream-head.ts), so a load balancer's or uptime checker's HEAD sees what a viewer would.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { acceptsGzip } from './accept-encoding'

/** The headers of every SSE response the layer sends (job, notification and UI message streams). */
export const SSE_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  // A user's job, and maybe a new user cookie: no shared cache may keep it (`private`), none
  // may store or re-encode it (`no-transform`: a proxy that compresses would buffer the stream).
  'cache-control': 'private, no-store, no-transform',
  'x-accel-buffering': 'no',
}

/** What decides a stream's headers. */
export interface StreamHeaderOptions {
  compression: boolean
  /** Extra response headers (the UI message stream's protocol header). */
  headers?: Record<string, string>
}

/** The headers of a stream response to `request`, and whether its body is gzip'd. */
export function streamHeaders(request: IncomingMessage, response: ServerResponse, options: StreamHeaderOptions): { headers: Record<string, string>, gzip: boolean } {
  // No `Connection` header of our own: Node answers keep-alive, or `close` to a client that asked
  // to close (then ends the connection with the stream, RFC 9112 §9.6) or to an HTTP/1.0 one.
  const headers: Record<string, string> = { ...SSE_RESPONSE_HEADERS, ...options.headers }
  // The body depends on Accept-Encoding whenever compression is on, gzip'd or not; kept beside
  // what the response varies on already (`Origin`, set by the CORS middleware).
  if (options.compression) headers.vary = [response.getHeader('vary'), 'accept-encoding'].flat().filter(Boolean).join(', ')
  const gzip = options.compression && acceptsGzip(request.headers['accept-encoding'])
  if (gzip) headers['content-encoding'] = 'gzip'
  return { headers, gzip }
}
