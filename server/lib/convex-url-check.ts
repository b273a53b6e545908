/**
 * What an http(s) URL given as the Convex deployment address can still get wrong. The Convex
 * client appends `/api/<version>/sync` to the address as written, so a path (a dashboard page, an
 * HTTP action's route) or a query makes it open its WebSocket on a path no deployment serves: the
 * server booted and every call was a 503 after its time limit, retried for ever. The HTTP Actions
 * address (`…convex.site`, shown beside the deployment URL) is refused by the client itself, after
 * the boot check, with advice (`skipConvexDeploymentUrlCheck`) an operator cannot take. A trailing
 * slash is dropped when the configuration is read (config.ts), not refused.
 */

/** What is wrong with `url`, an http(s) URL, as a Convex deployment address (null: nothing). */
export function convexAddressProblem(url: string): string | null {
  const parsed = new URL(url)
  if (/\.convex\.site$/i.test(parsed.hostname)) {
    return `is the deployment's HTTP Actions address (.convex.site): give its deployment URL, the same name on .convex.cloud (https://${parsed.hostname.replace(/\.convex\.site$/i, '.convex.cloud')})`
  }
  if (parsed.pathname !== '/' || parsed.search || parsed.hash) {
    return 'must be the deployment\'s address alone, with no path, query or #fragment (the client adds its own path to it): https://<deployment>.convex.cloud, or a self-hosted backend\'s http(s)://host[:port]'
  }
  return null
}
