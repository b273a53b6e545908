/**
 * `$fetch` for the layer's API, as the other composables use it. In the browser it is `$fetch`.
 * During SSR it sends the page request's cookies (`useRequestFetch`), and when the API gives this
 * visitor a new anonymous user cookie, it passes the cookie on to the page response and to the
 * render's next calls. Without that, a first visit would get one anonymous user per SSR call and
 * per parallel browser request (each call setting its own cookie, the last one winning), so a job
 * started by one request could be invisible to the next.
 */
import { appendResponseHeader } from 'h3'
import type { H3Event } from 'h3'

/** The anonymous user cookie's name (server/lib/http/user.ts). */
const USER_COOKIE = 'bgjobs_uid'

type FetchOptions = NonNullable<Parameters<typeof $fetch>[1]>

function withCookie(headers: FetchOptions['headers'], cookie: string): FetchOptions['headers'] {
  const merged = new Headers(headers as HeadersInit | undefined)
  merged.set('cookie', cookie)
  return merged
}

/** Passes a new user cookie from an API response on to the page (once) and remembers it for the render. */
function adoptUserCookie(event: H3Event, response: Response): void {
  for (const line of response.headers.getSetCookie?.() ?? []) {
    if (!line.startsWith(`${USER_COOKIE}=`)) continue
    const pair = line.split(';')[0]!
    const previous = event.context.backgroundJobsCookie as string | undefined
    event.context.backgroundJobsCookie = [event.node.req.headers.cookie, pair].filter(Boolean).join('; ')
    if (!previous) appendResponseHeader(event, 'set-cookie', line)
  }
}

/** The fetch the layer's composables use (see above). */
export function useJobsFetch(): typeof $fetch {
  if (import.meta.client) return $fetch
  const event = useRequestEvent()
  const requestFetch = useRequestFetch()
  if (!event) return requestFetch as typeof $fetch
  const jobsFetch = (request: Parameters<typeof $fetch>[0], options: FetchOptions = {}) => {
    const cookie = event.context.backgroundJobsCookie as string | undefined
    return requestFetch(request, {
      ...options,
      ...(cookie ? { headers: withCookie(options.headers, cookie) } : {}),
      onResponse: [
        ({ response }: { response: Response }) => adoptUserCookie(event, response),
        ...[options.onResponse ?? []].flat(),
      ],
    } as FetchOptions)
  }
  return jobsFetch as typeof $fetch
}
