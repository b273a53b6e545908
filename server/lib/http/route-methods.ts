/**
 * The layer's routes under `/api/jobs` and the methods each answers (its files under
 * `server/api/jobs/`, `name.<method>.ts`; a unit test keeps the two in step). A request with
 * another method gets a 405 naming the allowed ones (`Allow`), instead of Nitro's "Page not found".
 *
 * Every route that answers GET answers HEAD (load balancers and uptime checkers send it): Nitro 2's
 * router (h3 1.x) matches a `name.get.ts` handler for GET only, so each has a `name.head.ts` beside
 * it — the GET's own handler, or for a stream one that answers the status and headers without
 * attaching anything (http/stream-head.ts).
 *
 * An app that extends the layer may have routes of its own under `/api/jobs` (`server/api/jobs/
 * export.post.ts`, a `PUT` beside the layer's `/api/jobs/:id`): the build lists them
 * (lib/app-routes.ts, `setAppJobsRoutes` at boot) and the layer's middleware leaves their requests
 * to them — a `POST /api/jobs/export` was a 405 naming the layer's `GET or HEAD or DELETE`.
 * Nitro's router, finding no handler for a method at the app's route, tries the less specific
 * routes: a `GET /api/jobs/export` reached the layer's `GET /api/jobs/:id` (a 404 "job not
 * found"); the layer now answers it a 405 naming the app's methods (`shadowedAppRoute`).
 */

/** One route: its path with `:params`, and its methods. */
export interface JobsRoute {
  path: string
  methods: readonly string[]
}

/** A route of the app's own under `/api/jobs`: its path as Nitro writes it (`:param`, `**`), and its methods (null: every method). */
export interface AppJobsRoute {
  path: string
  methods: readonly string[] | null
}

/** What answers a path: the most specific route there, the layer's methods and the app's. */
export interface JobsPathRoute {
  path: string
  /** The layer's methods on this path (none: a path only the app answers). */
  layerMethods: readonly string[]
  /** The app's own methods on this path. */
  appMethods: readonly string[]
  /** The app has a handler here for every method. */
  appTakesEveryMethod: boolean
}

/** Every route, static paths before the dynamic ones they would also match (`catalog` before `:id`). */
export const JOBS_ROUTES: readonly JobsRoute[] = [
  { path: '/api/jobs', methods: ['GET', 'HEAD', 'POST', 'DELETE'] },
  { path: '/api/jobs/catalog', methods: ['GET', 'HEAD'] },
  { path: '/api/jobs/health', methods: ['GET', 'HEAD'] },
  { path: '/api/jobs/metrics', methods: ['GET', 'HEAD'] },
  { path: '/api/jobs/notifications', methods: ['GET', 'HEAD'] },
  { path: '/api/jobs/threads', methods: ['GET', 'HEAD'] },
  { path: '/api/jobs/threads/:threadId', methods: ['PATCH'] },
  { path: '/api/jobs/chat', methods: ['POST'] },
  { path: '/api/jobs/chat/:chatId/abort', methods: ['POST'] },
  { path: '/api/jobs/chat/:chatId/messages', methods: ['GET', 'HEAD'] },
  { path: '/api/jobs/chat/:chatId/stream', methods: ['GET', 'HEAD'] },
  { path: '/api/jobs/:id', methods: ['GET', 'HEAD', 'DELETE'] },
  { path: '/api/jobs/:id/abort', methods: ['POST'] },
  { path: '/api/jobs/:id/input', methods: ['POST'] },
  { path: '/api/jobs/:id/stream', methods: ['GET', 'HEAD'] },
]

interface Matcher {
  route: JobsPathRoute
  pattern: RegExp
  /** Per segment: 0 a name, 1 a parameter, 2 a catch-all (`**`) — the router tries them in that order. */
  rank: number[]
}

/** A path's shape: parameters are one kind of segment whatever their name (`:id`, `:jobId`). */
function shapeOf(path: string): string {
  return path.split('/').map(segment => segment.startsWith('**') ? '**' : segment.startsWith(':') ? ':' : segment).join('/').replace(/\/$/, '')
}

function patternOf(shape: string): RegExp {
  const source = shape.split('/').map(segment => segment === '**' ? '.*' : segment === ':' ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('/')
  return new RegExp(`^${source.replace(/\/\.\*$/, '(?:/.*)?')}/?$`)
}

/** Negative when `a` is tried before `b`: the first segment that differs, a name before a parameter before a catch-all. */
function compareRanks(a: number[], b: number[]): number {
  for (let index = 0; index < Math.min(a.length, b.length); index++) {
    if (a[index] !== b[index]) return a[index]! - b[index]!
  }
  return b.length - a.length
}

function buildMatchers(appRoutes: readonly AppJobsRoute[]): Matcher[] {
  const byShape = new Map<string, JobsPathRoute>()
  const entry = (path: string) => {
    const shape = shapeOf(path)
    let route = byShape.get(shape)
    if (!route) byShape.set(shape, route = { path, layerMethods: [], appMethods: [], appTakesEveryMethod: false })
    return route
  }
  for (const route of JOBS_ROUTES) entry(route.path).layerMethods = route.methods
  for (const route of appRoutes) {
    const merged = entry(route.path)
    if (route.methods === null) merged.appTakesEveryMethod = true
    else merged.appMethods = [...new Set([...merged.appMethods, ...route.methods.map(method => method.toUpperCase())])]
  }
  return [...byShape].map(([shape, route]) => ({
    route,
    pattern: patternOf(shape),
    rank: shape.split('/').map(segment => segment === '**' ? 2 : segment === ':' ? 1 : 0),
  })).sort((a, b) => compareRanks(a.rank, b.rank))
}

let matchers = buildMatchers([])

/** The app's own routes under `/api/jobs`, from its build (server/plugins/background-jobs-app-routes.ts). */
export function setAppJobsRoutes(appRoutes: readonly AppJobsRoute[]): void {
  matchers = buildMatchers(appRoutes)
}

/** What answers a path (without its query): the most specific route, the layer's or the app's; null when none under `/api/jobs` does. */
export function jobsPathRouteOf(path: string): JobsPathRoute | null {
  return matchers.find(matcher => matcher.pattern.test(path))?.route ?? null
}

/**
 * The layer's route a request is for, or null when the layer has none at its path or the app
 * answers its method there (the app's own route: the layer's middleware leaves it alone).
 * `allMethods`: every method answered there, the app's too (for `Allow`).
 */
export function layerRouteFor(path: string, method: string): (JobsRoute & { allMethods: readonly string[] }) | null {
  const route = jobsPathRouteOf(path)
  if (!route || route.layerMethods.length === 0) return null
  if (route.appTakesEveryMethod || route.appMethods.includes(method.toUpperCase())) return null
  const appOnly = route.appMethods.filter(appMethod => !route.layerMethods.includes(appMethod))
  return { path: route.path, methods: route.layerMethods, allMethods: [...route.layerMethods, ...appOnly] }
}

/**
 * The app's own route at a path (without its query) when a request's method is not one it answers
 * there and the router would hand the request to one of the layer's handlers instead: h3 tries the
 * matching routes from the most specific on and takes the first with a handler for the method, so
 * `GET /api/jobs/export` beside an app's `export.post.ts` reached the layer's `/api/jobs/:id`.
 * Null when the path is the layer's, the app answers the method, or no route of the layer's would
 * take it (then the router and the app's own routes decide, as without the layer).
 */
export function shadowedAppRoute(path: string, method: string): { path: string, methods: readonly string[] } | null {
  const [route, ...lessSpecific] = matchers.filter(matcher => matcher.pattern.test(path)).map(matcher => matcher.route)
  const wanted = method.toUpperCase()
  if (!route || route.layerMethods.length > 0 || route.appTakesEveryMethod || route.appMethods.includes(wanted)) return null
  const taker = lessSpecific.find(other => other.layerMethods.includes(wanted) || other.appMethods.includes(wanted) || other.appTakesEveryMethod)
  // At one route the router tries the handler of the method before an every-method one: the layer's first.
  return taker?.layerMethods.includes(wanted) ? { path: route.path, methods: route.appMethods } : null
}

/** The layer's route a path (without its query) belongs to, or null when it is none of the layer's. */
export function jobsRouteOf(path: string): JobsRoute | null {
  const route = jobsPathRouteOf(path)
  return route && route.layerMethods.length > 0 ? { path: route.path, methods: route.layerMethods } : null
}
