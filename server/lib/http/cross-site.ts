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
 * - without it (an older browser), an `Origin` that is not this server's origin is refused: the
 *   origins are compared as the URL standard does (scheme, host, port; a default port the same as
 *   none, host names in any case, IPv6 in any spelling), a host's trailing dot the same as none
 *   (the same name in DNS). This server is reached at `Host` (or `X-Forwarded-Host`, behind a
 *   proxy; without it, the `host` of the standard `Forwarded` header) over the request's scheme:
 *   `https` on TLS, else `X-Forwarded-Proto` (or `Forwarded`'s `proto`); when neither says
 *   (a proxy that ended TLS and does not tell), the Origin's own. A page of another origin cannot
 *   make a browser send `X-Forwarded-*` or `Forwarded` (not CORS-safelisted: a preflight nobody grants), so they
 *   are read whatever `trustedProxies` says;
 * - neither header: not a browser (curl, a server, the AI SDK from Node) — allowed;
 * - an origin listed in `trustedOrigins` always passes.
 */
import type { H3Event } from 'h3'
import { getRequestHeader } from 'h3'
import type { BackgroundJobsConfig } from '../config'
import { forwardedElements } from '../../../shared/forwarded-header'
import { knownRequestScheme } from '../../../shared/forwarded-https'
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
  /** The scheme the request came over, when it is known (knownRequestScheme); else the Origin's is taken. */
  scheme?: 'http' | 'https' | null
  trustedOrigins: ReadonlySet<string>
}

/**
 * An http(s) origin as the URL standard serialises it (`scheme://host[:port]`: a default port
 * dropped, the host lower-cased, IPv6 compressed), with one trailing dot of the host dropped; null
 * when `text` is no http(s) URL.
 */
function normalisedOrigin(text: string): string | null {
  try {
    const url = new URL(text)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null
    return `${url.protocol}//${url.hostname.replace(/(?<=.)\.$/, '')}${url.port ? `:${url.port}` : ''}`
  }
  catch {
    return null
  }
}

/** This server's origin at `host` (a `Host` value: host[:port], nothing else) over `scheme`; null when `host` is none. */
function serverOrigin(scheme: string, host: string): string | null {
  return /^[^/?#@\\\s]+$/.test(host) ? normalisedOrigin(`${scheme}://${host}`) : null
}

/** Whether `origin` is this server's origin at one of `hosts` over `scheme` (null: the Origin's own scheme). */
function isOwnOrigin(origin: string, hosts: readonly string[], scheme: string | null): boolean {
  const given = normalisedOrigin(origin)
  if (given === null) return false
  const over = scheme ?? given.slice(0, given.indexOf(':'))
  return hosts.some(host => serverOrigin(over, host) === given)
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
    const scheme = request.scheme ?? null
    if (isOwnOrigin(origin, request.hosts, scheme)) return null
    const host = request.hosts[0] ?? '(none)'
    why = `Origin ${shownInput(origin)} is not this server's ${scheme ? `origin ${shownInput(`${scheme}://${host}`)}` : `host ${shownInput(host)}`}`
  }
  // The client's headers are quoted cut (shown-input.ts): an 8 KB Origin must not come back whole, twice.
  return `Refused a cross-site ${request.method.toUpperCase()} from ${origin ? shownInput(origin) : 'a page of another origin'} (${why}): only pages of this server's own origin may ${request.liveStream ? 'follow its live streams' : 'start, answer, abort or delete jobs'}. If that origin is yours, list it in trustedOrigins (${envNameOf('trustedOrigins')})`
}

/** Throws `CrossSiteRequestError` (403) for a request `crossSiteRefusal` refuses; `liveStream`: the route opens one. */
export function assertNotCrossSite(event: H3Event, config: BackgroundJobsConfig, liveStream = false): void {
  const forwardedHost = getRequestHeader(event, 'x-forwarded-host')
  // Without X-Forwarded-Host, the `host` of each element of the standard Forwarded header.
  const forwarded = forwardedHost !== undefined
    ? forwardedHost.split(',').map(host => host.trim()).filter(Boolean)
    : forwardedElements(getRequestHeader(event, 'forwarded')).flatMap(element => element.host?.trim() || [])
  const host = getRequestHeader(event, 'host')
  const message = crossSiteRefusal({
    method: event.method,
    liveStream,
    fetchSite: getRequestHeader(event, 'sec-fetch-site'),
    origin: getRequestHeader(event, 'origin'),
    hosts: [...(host ? [host] : []), ...forwarded],
    scheme: knownRequestScheme(event),
    trustedOrigins: trustedOriginSet(config),
  })
  if (message) throw new CrossSiteRequestError(message)
}
