/**
 * Refusing requests that change something (every method but GET, HEAD and OPTIONS), and the GETs
 * that open a live stream, when a page of another origin made the browser send them. The
 * anonymous cookie is `SameSite=Lax`, which keeps it off cross-site POSTs, but a page on a sibling
 * subdomain is "same-site" and gets it sent, and an app's own session cookie may be `SameSite=None`.
 * The JSON routes are safe anyway (a form cannot send `application/json`, and a cross-origin fetch
 * that does needs a CORS preflight nobody grants), but the abort routes take no body: a plain
 * `<form method="post">` could stop a user's jobs. A live stream is a read another origin cannot
 * read without CORS, but it holds one of the user's `limits.maxStreamsPerUser` slots for as long as
 * it is open: a page of another site (a no-cors `fetch`, an `<iframe>`) could hold them all, and the
 * user's own tabs got 429. So, as Go's `http.CrossOriginProtection` does:
 * - `Sec-Fetch-Site` (every current browser sends it): only `same-origin` and `none` (the user's
 *   own action) pass;
 * - without it (an older browser), an `Origin` whose host is not this server's `Host` (or
 *   `X-Forwarded-Host`, behind a proxy) is refused;
 * - neither header: not a browser (curl, a server, the AI SDK from Node) — allowed;
 * - an origin listed in `trustedOrigins` always passes.
 */
import type { H3Event } from 'h3'
import { getRequestHeader } from 'h3'
import type { BackgroundJobsConfig } from '../config'
import { envNameOf, trustedOriginSet } from '../config'
import { CrossSiteRequestError } from '../errors'
import { shownInput } from '../shown-input'

/** Methods that never change anything: not checked (a cross-origin read is the browser's CORS business), unless they open a live stream. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** `Sec-Fetch-Site` values of a request the user's own page (or the user) made. */
const OWN_FETCH_SITES = new Set(['same-origin', 'none'])

/** What the check reads of a request. */
export interface SiteCheckRequest {
  method: string
  /** The request opens a live stream (it holds a stream slot while open): checked whatever its method. */
  liveStream?: boolean
  /** The `Sec-Fetch-Site` header. */
  fetchSite: string | undefined
  /** The `Origin` header. */
  origin: string | undefined
  /** The hosts this server is reached at: `Host`, and each `X-Forwarded-Host`. */
  hosts: readonly string[]
  trustedOrigins: ReadonlySet<string>
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host
  }
  catch {
    return null
  }
}

/** Null when the request may go on; otherwise the message of its 403. */
export function crossSiteRefusal(request: SiteCheckRequest): string | null {
  if (SAFE_METHODS.has(request.method.toUpperCase()) && !request.liveStream) return null
  const origin = request.origin?.trim()
  if (origin && request.trustedOrigins.has(origin)) return null
  const fetchSite = request.fetchSite?.trim().toLowerCase()
  let why: string
  if (fetchSite) {
    if (OWN_FETCH_SITES.has(fetchSite)) return null
    why = `Sec-Fetch-Site: ${shownInput(fetchSite)}`
  }
  else {
    if (!origin) return null
    const host = hostOf(origin)
    if (host !== null && request.hosts.some(each => each.toLowerCase() === host.toLowerCase())) return null
    why = `Origin ${shownInput(origin)} is not this server's host ${shownInput(request.hosts[0] ?? '(none)')}`
  }
  // The client's headers are quoted cut (shown-input.ts): an 8 KB Origin must not come back whole, twice.
  return `Refused a cross-site ${request.method.toUpperCase()} from ${origin ? shownInput(origin) : 'a page of another origin'} (${why}): only pages of this server's own origin may ${request.liveStream ? 'follow its live streams' : 'start, answer, abort or delete jobs'}. If that origin is yours, list it in trustedOrigins (${envNameOf('trustedOrigins')})`
}

/** Throws `CrossSiteRequestError` (403) for a request `crossSiteRefusal` refuses; `liveStream`: the route opens one. */
export function assertNotCrossSite(event: H3Event, config: BackgroundJobsConfig, liveStream = false): void {
  const forwarded = getRequestHeader(event, 'x-forwarded-host')?.split(',').map(host => host.trim()).filter(Boolean) ?? []
  const host = getRequestHeader(event, 'host')
  const message = crossSiteRefusal({
    method: event.method,
    liveStream,
    fetchSite: getRequestHeader(event, 'sec-fetch-site'),
    origin: getRequestHeader(event, 'origin'),
    hosts: [...(host ? [host] : []), ...forwarded],
    trustedOrigins: trustedOriginSet(config),
  })
  if (message) throw new CrossSiteRequestError(message)
}
