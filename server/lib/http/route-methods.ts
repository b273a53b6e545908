/**
 * The layer's routes under `/api/jobs` and the methods each answers (its files under
 * `server/api/jobs/`, `name.<method>.ts`; a unit test keeps the two in step). A request with
 * another method gets a 405 naming the allowed ones (`Allow`), instead of Nitro's "Page not found".
 *
 * Every route that answers GET answers HEAD (load balancers and uptime checkers send it): Nitro 2's
 * router (h3 1.x) matches a `name.get.ts` handler for GET only, so each has a `name.head.ts` beside
 * it — the GET's own handler, or for a stream one that answers the status and headers without
 * attaching anything (http/stream-head.ts).
 */

/** One route: its path with `:params`, and its methods. */
export interface JobsRoute {
  path: string
  methods: readonly string[]
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

const MATCHERS = JOBS_ROUTES.map(route => ({
  route,
  pattern: new RegExp(`^${route.path.replace(/:\w+/g, '[^/]+')}/?$`),
}))

/** The route a path (without its query) belongs to, or null when it is none of the layer's. */
export function jobsRouteOf(path: string): JobsRoute | null {
  return MATCHERS.find(matcher => matcher.pattern.test(path))?.route ?? null
}
