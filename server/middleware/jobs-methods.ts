/**
 * A request to one of the layer's routes with a method it does not answer gets a 405 with
 * `Allow` (server/lib/http/route-methods.ts; OPTIONS is answered by jobs-cors.ts), not Nitro's "Page not found".
 * A method the app's own route answers at that path (lib/app-routes.ts) is left to it; a method
 * it does not answer at its own path, which the router would hand to one of the layer's routes
 * (`GET /api/jobs/export` to `/api/jobs/:id`), gets a 405 naming the app's methods.
 */
import { createError, defineEventHandler, setResponseHeader } from 'h3'
import { allowedMethods } from '../lib/http/cors'
import { isJobsPath } from '../lib/http/jobs-path'
import { layerRouteFor, shadowedAppRoute } from '../lib/http/route-methods'
import { shownInput } from '../lib/shown-input'

export default defineEventHandler((event) => {
  if (!isJobsPath(event.path)) return
  const path = event.path.split('?')[0]!
  // The app's own route, whose method the router would otherwise hand to one of the layer's routes.
  const appRoute = shadowedAppRoute(path, event.method)
  if (appRoute) {
    setResponseHeader(event, 'allow', appRoute.methods.join(', '))
    throw createError({ statusCode: 405, statusMessage: 'Method Not Allowed', message: `${event.method} is not allowed on ${shownInput(path)}: use ${appRoute.methods.join(' or ')}` })
  }
  const route = layerRouteFor(path, event.method)
  if (!route || route.methods.includes(event.method)) return
  setResponseHeader(event, 'allow', allowedMethods(route.allMethods))
  throw createError({ statusCode: 405, statusMessage: 'Method Not Allowed', message: `${event.method} is not allowed on ${shownInput(path)}: use ${route.allMethods.join(' or ')}` })
})
