/**
 * Where Nitro serves the layer's routes. They are files under the layer's `server/api/jobs/`, which
 * Nitro scans from the folder `nitro.apiDir` (`api`) of every layer and serves under
 * `nitro.apiBaseURL` (`/api`). Everything else of the layer names `/api/jobs`: the composables,
 * the `streamUrl` of a started job, the AI SDK transport's `api`, its 405, CORS and request-id
 * answers, the docs. An app that changes either setting would get routes that are somewhere else
 * or gone, so the build stops naming the setting (docs/decisions/041-the-routes-stay-under-api-jobs.md).
 * The app's base path (`app.baseURL`) is followed (shared/app-base.ts).
 */

/** The Nitro settings read here, as the app's nuxt.config (`nitro: { … }`) leaves them. */
export interface ApiPrefixOptions {
  apiBaseURL?: string
  apiDir?: string
}

/** Nitro's defaults, which the layer's URLs assume. */
const DEFAULT_API_BASE_URL = '/api'
const DEFAULT_API_DIR = 'api'

/** A path without its trailing slashes (`/api/` is `/api`). */
function trimmedPath(path: string): string {
  return path.trim().replace(/\/+$/, '')
}

/** Why the layer's routes cannot be served with these settings, or null when they can. */
export function apiPrefixProblem(options: ApiPrefixOptions): string | null {
  // Unset or empty: Nitro's default (`nitro.options.apiDir || 'api'` where it scans).
  const apiBaseURL = options.apiBaseURL || DEFAULT_API_BASE_URL
  const apiDir = options.apiDir || DEFAULT_API_DIR
  const keep = 'The layer\'s composables, the streamUrl of a started job, the AI SDK\'s api: \'/api/jobs/chat\' and its CORS and 405 answers all use /api/jobs. '
    + 'Remove the setting; to serve routes of your own under another prefix, put them in server/routes/ (e.g. server/routes/backend/orders.get.ts answers /backend/orders). '
    + 'See docs/decisions/041-the-routes-stay-under-api-jobs.md.'
  if (trimmedPath(apiBaseURL) !== DEFAULT_API_BASE_URL) {
    return `nuxt-background-jobs: nitro.apiBaseURL is ${JSON.stringify(apiBaseURL)}: Nitro would serve the layer's routes (its server/api/jobs/ files) at ${trimmedPath(apiBaseURL)}/jobs instead of /api/jobs. ${keep}`
  }
  if (trimmedPath(apiDir).replace(/^\.\//, '') !== DEFAULT_API_DIR) {
    return `nuxt-background-jobs: nitro.apiDir is ${JSON.stringify(apiDir)}: Nitro would read server/${trimmedPath(apiDir)}/ of every layer instead of server/api/, so none of the layer's routes (its server/api/jobs/ files) would be served. ${keep}`
  }
  return null
}
