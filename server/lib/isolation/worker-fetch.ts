/**
 * `$fetch` in an isolation worker. Nitro defines the global `$fetch` when its app starts, in the
 * server's thread only: a tool file that used it, as Nitro server code does (and the README's
 * example tool), failed every isolated call with `$fetch is not defined`. A worker gets ofetch's
 * `$fetch` instead, which reaches any absolute URL as the server's does. The app's own routes by
 * path (`$fetch('/api/…')`) are served in the server's thread, out of a worker's reach: such a
 * call fails saying so, instead of with `Failed to parse URL`.
 */
import { ofetch } from 'ofetch'

/** Defines the global `$fetch` in this thread unless something already did. */
export function provideWorkerFetch(): void {
  const scope = globalThis as { $fetch?: unknown }
  if (typeof scope.$fetch === 'function') return
  scope.$fetch = ofetch.create({
    // Before ofetch joins a `baseURL` to the path: a path with an absolute `baseURL` is fine.
    onRequest({ request, options }) {
      const url = typeof request === 'string' ? request : request.url
      if (!URL.canParse(url) && !(options.baseURL && URL.canParse(options.baseURL))) {
        throw new TypeError(`$fetch("${url}"): an isolated tool runs in a worker thread, which cannot reach the app's own routes by path; give $fetch an absolute URL, or call the code behind the route directly`)
      }
    },
  })
}
