/**
 * CORS on the layer's routes (server/lib/http/cors.ts): a front end on a `trustedOrigins` origin
 * may call them with credentials and read the answers; `OPTIONS` (a browser's preflight) gets 204
 * with `Allow`, not a 405. Runs before `jobs-methods.ts` (file order). A method the app's own route
 * answers at that path (lib/app-routes.ts) is left to it: the app decides its own CORS — also
 * for a preflight asking for that method, which the layer answers with `Allow` only.
 */
import { appendResponseHeader, defineEventHandler, getRequestHeader, sendNoContent, setResponseHeader } from 'h3'
import { trustedOriginSet } from '../lib/config'
import { backgroundJobsConfig, useBackgroundJobsEngine } from '../lib/engine-instance'
import { corsAnswer } from '../lib/http/cors'
import { isJobsPath } from '../lib/http/jobs-path'
import { layerRouteFor } from '../lib/http/route-methods'

/** Whether `method` is one only the app's own route answers at the layer's `route` (not one of the layer's). */
function isAppMethod(route: { methods: readonly string[], allMethods: readonly string[] }, method: string | undefined): boolean {
  const wanted = method?.trim().toUpperCase()
  return wanted !== undefined && !route.methods.includes(wanted) && route.allMethods.includes(wanted)
}

export default defineEventHandler(async (event) => {
  if (!isJobsPath(event.path)) return
  const route = layerRouteFor(event.path.split('?')[0]!, event.method)
  if (!route) return
  const origin = getRequestHeader(event, 'origin')
  // Whether the answer depends on Origin, for a cache in front (an error answer too).
  if (origin) appendResponseHeader(event, 'vary', 'origin')
  const requestMethod = getRequestHeader(event, 'access-control-request-method')
  // A preflight for the app's own method at this path (a PUT beside the layer's /api/jobs/:id):
  // the app grants its own CORS (its middleware, routeRules headers) — the layer's trusted
  // origins are for its routes. The layer lists the methods and sets no Access-Control-* header.
  const forApp = isAppMethod(route, requestMethod)
  // The settings are known while the engine's start waits for the job store: a trusted front end
  // can read the routes' 503 and its Retry-After then. Without them (no layer plugin, a test's
  // engine source), the engine's; none at all: no origin is trusted, the route answers the error.
  const config = origin && !forApp ? backgroundJobsConfig() ?? await useBackgroundJobsEngine().then(engine => engine.getConfig(), () => null) : null
  const answer = corsAnswer({
    method: event.method,
    origin,
    requestMethod,
    requestHeaders: getRequestHeader(event, 'access-control-request-headers'),
    routeMethods: route.methods,
    listedMethods: route.allMethods,
    trustedOrigins: config ? trustedOriginSet(config) : new Set(),
  })
  for (const [name, value] of Object.entries(answer.headers)) setResponseHeader(event, name, value)
  if (answer.preflight) return sendNoContent(event, 204)
})
