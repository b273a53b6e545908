/**
 * A request to one of the layer's routes with a method it does not answer gets a 405 with
 * `Allow` (server/lib/http/route-methods.ts; OPTIONS is answered by jobs-cors.ts), not Nitro's "Page not found".
 * A method the app's own route answers at that path (lib/app-routes.ts) is left to it.
 */
import { createError, defineEventHandler, setResponseHeader } from 'h3'
import { allowedMethods } from '../lib/http/cors'
import { layerRouteFor } from '../lib/http/route-methods'
import { shownInput } from '../lib/shown-input'

export default defineEventHandler((event) => {
  if (!event.path.startsWith('/api/jobs')) return
  const path = event.path.split('?')[0]!
  const route = layerRouteFor(path, event.method)
  if (!route || route.methods.includes(event.method)) return
  setResponseHeader(event, 'allow', allowedMethods(route.allMethods))
  throw createError({ statusCode: 405, statusMessage: 'Method Not Allowed', message: `${event.method} is not allowed on ${shownInput(path)}: use ${route.allMethods.join(' or ')}` })
})
