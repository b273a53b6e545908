/**
 * The app's own routes under `/api/jobs`, for the layer's middleware (server/lib/http/route-methods.ts):
 * an app that extends the layer may add `server/api/jobs/export.post.ts`, or a `PUT` beside the
 * layer's `/api/jobs/:id`, and the layer's 405 and OPTIONS answers must leave those requests to it.
 * Read from Nitro's handler list when the server is bundled (`#background-jobs/app-routes`), so a
 * route added under `nuxt dev` is there after its rebuild.
 */
import { isAbsolute, relative } from 'node:path'
import type { AppJobsRoute } from '../server/lib/http/route-methods'
import { realPath } from './real-path'

/** The virtual module the server reads the list from (server/plugins/background-jobs-app-routes.ts). */
export const APP_ROUTES_MODULE = '#background-jobs/app-routes'

/** What this reads of a Nitro handler (`nitro.scannedHandlers`, `nitro.options.handlers`). */
export interface HandlerEntry {
  route?: string
  method?: string
  middleware?: boolean
  handler: string
}

/** Whether `file` is inside `dir`, either reached through a link. */
function isInside(file: string, dir: string): boolean {
  const path = relative(realPath(dir), realPath(file))
  return path !== '' && !path.startsWith('..') && !isAbsolute(path)
}

/** The routes under `/api/jobs` of handlers that are not the layer's own files (`layerApiDir`), by path with their methods. */
export function appJobsRoutes(handlers: readonly HandlerEntry[], layerApiDir: string): AppJobsRoute[] {
  const byPath = new Map<string, AppJobsRoute>()
  for (const handler of handlers) {
    const path = handler.route
    if (handler.middleware || !path || !(path === '/api/jobs' || path.startsWith('/api/jobs/'))) continue
    if (isInside(handler.handler, layerApiDir)) continue
    const known = byPath.get(path)
    const methods = handler.method ? [handler.method.toUpperCase()] : null
    byPath.set(path, { path, methods: known?.methods === null || methods === null ? null : [...new Set([...(known?.methods ?? []), ...methods])] })
  }
  return [...byPath.values()]
}

/** The virtual module's code. */
export function appRoutesCode(routes: readonly AppJobsRoute[]): string {
  return `export const appRoutes = ${JSON.stringify(routes)}\n`
}
