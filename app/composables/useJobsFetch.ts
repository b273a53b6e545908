/**
 * `$fetch` for the layer's API, as the other composables use it. In the browser it is `$fetch`.
 * During SSR it sends the page request's cookies (`useRequestFetch`), and when the API gives this
 * visitor a new anonymous user cookie, it passes the cookie on to the page response and to the
 * render's next calls. Without that, a first visit would get one anonymous user per SSR call and
 * per parallel browser request (each call setting its own cookie, the last one winning), so a job
 * started by one request could be invisible to the next.
 *
 * A page rendered with an answer of the API holds that user's jobs (in its HTML and payload): it
 * is marked `Cache-Control: private, no-store`, as the API answers themselves are, so no shared
 * cache in front of the app keeps it for the next visitor.
 */
import { appendResponseHeader, setResponseHeader } from 'h3'
import type { H3Event } from 'h3'
import { isHttpsRequest } from '../../shared/forwarded-https'

/** The anonymous user cookie's names, over http and https (server/lib/http/user.ts). */
const USER_COOKIES = ['bgjobs_uid', '__Host-bgjobs_uid']

type FetchOptions = NonNullable<Parameters<typeof $fetch>[1]>

/**
 * The caller's headers with `add`, as a plain object: the page event's `$fetch` (h3's
 * `fetchWithEvent`) spreads them over the page request's headers, and a `Headers` instance spreads
 * to nothing — the added cookie, the https and the caller's own headers (`Idempotency-Key`) were lost.
 */
function withHeaders(headers: FetchOptions['headers'], add: Record<string, string>): Record<string, string> {
  const merged = new Headers(headers as HeadersInit | undefined)
  for (const [name, value] of Object.entries(add)) merged.set(name, value)
  return Object.fromEntries(merged)
}

/** The page request carries an anonymous user cookie (valid or not: only the API can tell). */
function hasUserCookie(event: H3Event): boolean {
  return (event.node.req.headers.cookie ?? '').split(';').some(part => USER_COOKIES.some(name => part.trim().startsWith(`${name}=`)))
}

/** A method that only reads (the default GET). */
function isRead(method: string | undefined): boolean {
  return method === undefined || ['GET', 'HEAD'].includes(method.toUpperCase())
}

/** Passes a new user cookie from an API response on to the page (once) and remembers it for the render. */
function adoptUserCookie(event: H3Event, response: Response): void {
  for (const line of response.headers.getSetCookie?.() ?? []) {
    if (!USER_COOKIES.some(name => line.startsWith(`${name}=`))) continue
    const pair = line.split(';')[0]!
    const name = pair.slice(0, pair.indexOf('='))
    const previous = event.context.backgroundJobsCookie as string | undefined
    // Calls made at once on a first visit each get a new user: the first one answered is the
    // page's (its cookie is the one set), and the render's next calls must be that user too, or a
    // job they start would belong to a user the browser never is.
    if (previous) continue
    // In place of the page's own cookie of that name (one that no longer unseals): the API reads
    // the first of two, and would make yet another user for each of the render's next calls.
    const others = (event.node.req.headers.cookie ?? '').split(';').map(part => part.trim()).filter(part => part !== '' && !part.startsWith(`${name}=`))
    event.context.backgroundJobsCookie = [...others, pair].join('; ')
    // A call the render did not wait for may be answered after the page was sent: setting a header
    // then throws (ERR_HTTP_HEADERS_SENT), and the call would reject though the API did its work.
    if (!event.node.res.headersSent) appendResponseHeader(event, 'set-cookie', line)
  }
}

/** The fetch the layer's composables use (see above). */
export function useJobsFetch(): typeof $fetch {
  if (import.meta.client) return $fetch
  const event = useRequestEvent()
  const requestFetch = useRequestFetch()
  if (!event) return requestFetch as typeof $fetch
  // The API call is made inside the server, over no socket: it names the page's https (a server
  // that serves TLS itself, with no proxy's header to pass on) so the user cookie is the same one.
  const https = isHttpsRequest(event)
  const jobsFetch = async (request: Parameters<typeof $fetch>[0], options: FetchOptions = {}) => {
    // A first visit (no user cookie): the render's first call names the user. A write made while
    // it is on its way waits for it, or it would be another new user (a job the browser never
    // sees); a read goes at once (a new user has nothing to read), its new user left unused — and
    // nothing waits when no cookie comes (a user the app's resolve-user hook names).
    let naming = event.context.backgroundJobsNaming as Promise<unknown> | undefined
    if (naming && !isRead(options.method)) {
      await naming.catch(() => {})
      naming = event.context.backgroundJobsNaming as Promise<unknown> | undefined
    }
    const cookie = event.context.backgroundJobsCookie as string | undefined
    const names = !cookie && !naming && !hasUserCookie(event)
    const add: Record<string, string> = { ...(cookie ? { cookie } : {}), ...(https ? { 'x-forwarded-proto': 'https' } : {}) }
    const call = requestFetch(request, {
      ...options,
      ...(Object.keys(add).length > 0 ? { headers: withHeaders(options.headers, add) } : {}),
      onResponse: [
        ({ response }: { response: Response }) => {
          // A call that settles after the page was sent (not awaited by the render) has nothing to mark.
          if (!event.node.res.headersSent) setResponseHeader(event, 'cache-control', 'private, no-store')
          if (names || !event.context.backgroundJobsNaming) adoptUserCookie(event, response)
        },
        ...[options.onResponse ?? []].flat(),
      ],
    } as FetchOptions)
    if (names) {
      event.context.backgroundJobsNaming = call
      const named = () => {
        if (event.context.backgroundJobsNaming === call) event.context.backgroundJobsNaming = undefined
      }
      call.then(named, named)
    }
    return await call
  }
  return jobsFetch as typeof $fetch
}
