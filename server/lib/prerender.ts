/**
 * Nitro's prerenderer (`nuxt generate`, or `routeRules: { '/about': { prerender: true } }` and
 * `nitro.prerender.routes` at `nuxt build`) runs the app's server in the build's own process to
 * render pages once, for no user. The layer runs no engine there: no job store connection (Redis,
 * Convex, from the build machine), no timers, no signal listeners in the build process. The
 * layer's routes answer a 503 saying so, should a prerendered page ask them.
 */
import { BackgroundJobsError } from './errors'
import type { EngineSource } from './engine-instance'

/** Whether this server is Nitro's prerenderer (a build-time flag Nitro replaces in its bundle). */
export function isPrerendering(): boolean {
  return import.meta.prerender === true
}

/** A route asked for the engine while pages were prerendered. */
export class PrerenderingError extends BackgroundJobsError {
  override readonly name = 'PrerenderingError'
  override readonly statusCode = 503
  constructor() {
    super('Background jobs do not run while Nitro prerenders pages (nuxt generate, routeRules prerender): a prerendered page is rendered once at build time for no user, so ask for jobs in the browser (useFetch with server: false, or in onMounted)')
  }
}

/** The engine source of the prerenderer: every route gets the 503 above. */
export const PRERENDER_ENGINE_SOURCE: EngineSource = {
  get: () => Promise.reject(new PrerenderingError()),
}
