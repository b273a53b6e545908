/**
 * Who may use the DevTools routes. They are registered in dev only (lib/devtools.ts) and show every
 * user's jobs, so each request is checked as well: the handler must run in a dev build, and the
 * data and abort routes need the header `x-background-jobs-devtools: <token>`, a random token made
 * per `nuxt dev` and handed only to the DevTools tab (in its iframe URL's hash). Nuxt DevTools
 * guards who can open that tab; a page on another site can neither know the token nor send a
 * custom header without a CORS preflight, which these routes never grant. (The client address is
 * no use here: behind the dev server's proxy every request comes from loopback, and the proxy keeps
 * an `x-forwarded-for` the client sent.)
 */
import { sameSecret } from '../same-secret'

/** The path every DevTools route lives under. */
export const DEVTOOLS_ROUTE = '/__background-jobs/devtools'

/** The header the DevTools page sends with every data request. */
export const DEVTOOLS_HEADER = 'x-background-jobs-devtools'

/** What a request looks like to the guard. */
export interface DevtoolsRequest {
  dev: boolean
  /** This dev server's token. */
  token: string
  /** The value of the `x-background-jobs-devtools` header. */
  header: string | undefined
  /** A data or abort route (the HTML page itself holds no data). */
  api: boolean
}

/** Null when allowed; otherwise the status and message to answer with. */
export function checkDevtoolsRequest(request: DevtoolsRequest): { statusCode: number, message: string } | null {
  // Not a dev server: answer like a route that does not exist.
  if (!request.dev || !request.token) return { statusCode: 404, message: 'Not found' }
  if (request.api && !sameSecret(request.header ?? '', request.token)) {
    return { statusCode: 403, message: `DevTools data needs the ${DEVTOOLS_HEADER} header with this dev server's token (open it from the Nuxt DevTools tab)` }
  }
  return null
}
