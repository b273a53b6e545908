/**
 * How `followJobStream` opens its stream when the caller does not say: the browser's
 * `EventSource` (with credentials). Outside a browser (Node, a worker without one, a test) that fails with a bare
 * `EventSource is not defined`, and a relative URL such as `/api/jobs/<id>/stream` cannot be
 * resolved at all — the probe's `fetch` would fail on every attempt and the follower would sit
 * `offline` for ever. Both are named here instead, when the follower starts.
 */
import type { EventSourceLike } from './job-stream'

/** Opens a stream. */
export type EventSourceFactory = (url: string) => EventSourceLike

/** True when `url` can be opened here: absolute, or relative with a page to resolve it against. */
function isResolvable(url: string): boolean {
  if (/^[a-z][a-z\d+.-]*:/i.test(url)) return true
  return typeof location !== 'undefined' && typeof location.href === 'string'
}

/**
 * Checks that `url` can be followed here and returns the factory to use (`custom`: the caller's
 * own); throws a `TypeError` saying what to pass otherwise. `customProbe`: the caller asks the
 * server itself, so with its own factory too, the URL is only ever the caller's business.
 */
export function resolveEventSourceFactory(url: string, custom: EventSourceFactory | undefined, customProbe: boolean): EventSourceFactory {
  if (!(custom && customProbe) && !isResolvable(url)) {
    throw new TypeError(`followJobStream: the url "${url}" is relative and there is no page to resolve it against; outside a browser pass an absolute URL (e.g. "https://app.example.com${url.startsWith('/') ? '' : '/'}${url}")`)
  }
  if (custom) return custom
  if (typeof EventSource === 'undefined') {
    throw new TypeError('followJobStream: this runtime has no EventSource; pass `createEventSource` (e.g. `url => new EventSource(url)` from the "eventsource" package)')
  }
  // With credentials: a front end on another origin than the API (`trustedOrigins`) must send the
  // user's cookie, or the stream answers 404 (a new anonymous user). Same-origin it changes nothing.
  return url => new EventSource(url, { withCredentials: true }) as EventSourceLike
}
