/**
 * One read of a job per server render, however many components show it. Sibling components render
 * at the same time on the server (each one's `onServerPrefetch` runs while the others' do), so a
 * list row and a detail panel of one job each found no state yet and each read it: two
 * `GET /api/jobs/:id` for one page. The second now waits for the first one's read. Keyed by the
 * render's Vue app (one per request), held weakly: nothing stays once the request is done.
 */

const reads = new WeakMap<object, Map<string, Promise<void>>>()

/** Runs `read` for `key` once in the render `render` (its app context); later calls share it. */
export function readOncePerRender(render: object, key: string, read: () => Promise<void>): Promise<void> {
  let started = reads.get(render)
  if (!started) reads.set(render, started = new Map())
  let pending = started.get(key)
  if (!pending) started.set(key, pending = read())
  return pending
}
