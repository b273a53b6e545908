/**
 * The layer's API under the app's base path. An app served under a path (`app.baseURL: '/chat/'`,
 * `NUXT_APP_BASE_URL`) has its server routes there too, and `$fetch` puts the base before a path
 * of its own; an `EventSource` opens the URL it is given. The streams the composables open (a
 * job's, the notifications') take the base from here, or they would go to `/api/jobs/…`, outside
 * the app.
 */

/** `path` (starting with `/`) under `baseURL` (`/` or `/chat/`): `/chat/api/jobs/notifications`. */
export function underAppBase(baseURL: string | undefined, path: string): string {
  return `${(baseURL ?? '/').replace(/\/+$/, '')}${path}`
}
