/**
 * CORS for the front ends an operator trusts (`trustedOrigins`): a page of such an origin may call
 * the routes with the user's credentials (cookie or its own auth header) and read the answers,
 * streams included. Only a listed origin gets the `Access-Control-*` headers; any other origin gets
 * none, so the browser keeps its reads to itself (and `cross-site.ts` refuses its writes).
 */

/** How long a browser may reuse a preflight answer, in seconds (browsers cap it at 2 h or less). */
export const PREFLIGHT_MAX_AGE_SECONDS = 600

/**
 * Response headers a cross-origin script may read beyond the CORS-safelisted ones: `Retry-After`
 * (429, 503), `Allow` (405), the AI SDK's UI message stream marker and `X-Request-Id` (request-id.ts).
 */
export const EXPOSED_HEADERS = ['retry-after', 'allow', 'x-vercel-ai-ui-message-stream', 'x-request-id'] as const

/** A header name as RFC 9110 spells a token; anything else in a requested list is dropped. */
const HEADER_NAME = /^[!#$%&'*+.^`|~\w-]+$/

/** What the CORS answer reads of a request. */
export interface CorsRequest {
  method: string
  /** The `Origin` header. */
  origin: string | undefined
  /** `Access-Control-Request-Method` (a preflight has one). */
  requestMethod: string | undefined
  /** `Access-Control-Request-Headers`. */
  requestHeaders: string | undefined
  /** The methods the route answers (granted to a trusted origin). */
  routeMethods: readonly string[]
  /** The methods `Allow` lists: the route's and the app's own at that path, not granted. @default routeMethods */
  listedMethods?: readonly string[]
  trustedOrigins: ReadonlySet<string>
}

/** The answer: headers to set, and whether the request is a preflight to answer with 204 at once. */
export interface CorsAnswer {
  headers: Record<string, string>
  preflight: boolean
}

/** The methods a route answers, with OPTIONS (answered for every route). */
export function allowedMethods(routeMethods: readonly string[]): string {
  return [...routeMethods, 'OPTIONS'].join(', ')
}

/**
 * The CORS headers for a request. A preflight (`OPTIONS` with `Access-Control-Request-Method`)
 * from a trusted origin is granted the route's methods and the headers it asks for (the origin is
 * the operator's own front end: its auth header is as welcome as `Content-Type` or
 * `Idempotency-Key`). Other `OPTIONS` requests just learn the methods (`Allow`).
 */
export function corsAnswer(request: CorsRequest): CorsAnswer {
  const headers: Record<string, string> = {}
  const isOptions = request.method.toUpperCase() === 'OPTIONS'
  if (isOptions) headers.allow = allowedMethods(request.listedMethods ?? request.routeMethods)
  const origin = request.origin?.trim()
  if (origin && request.trustedOrigins.has(origin)) {
    headers['access-control-allow-origin'] = origin
    headers['access-control-allow-credentials'] = 'true'
    if (isOptions && request.requestMethod) {
      headers['access-control-allow-methods'] = request.routeMethods.join(', ')
      const asked = (request.requestHeaders ?? '').split(',').map(name => name.trim().toLowerCase()).filter(name => HEADER_NAME.test(name))
      if (asked.length > 0) headers['access-control-allow-headers'] = asked.join(', ')
      headers['access-control-max-age'] = String(PREFLIGHT_MAX_AGE_SECONDS)
    }
    else {
      headers['access-control-expose-headers'] = EXPOSED_HEADERS.join(', ')
    }
  }
  return { headers, preflight: isOptions }
}
