/**
 * The log of a route whose store call was refused for good (a `StoreRefusedError`: on Convex, the
 * deployed functions refusing this server's call — its arguments, a function the deployment lacks,
 * the functions and the servers of different versions). The route answers a 500 naming the
 * function and why (the error's message); before, nothing was logged, and the operator learned of
 * a deployment that does not match only from users. One line names the request (its id, added by
 * the request scope), the route without its query string and the job id; the store's own words —
 * which quote the values sent — stay out (they are the error's `cause`). A mismatch fails every
 * request alike: each reason is logged at most once per `STORE_REFUSAL_LOG_WINDOW_MS`, the next
 * line says how many were not (`notLoggedSince`). Keyed by the message (function × reason, a
 * bounded set); no timer.
 */
import type { H3Event } from 'h3'
import type { StoreRefusedError } from '../providers/store-refused'
import { routeLogger } from './route-logger'

/** How long after a refusal is logged the same one is only counted. */
export const STORE_REFUSAL_LOG_WINDOW_MS = 60_000

/** The largest number of reasons remembered (a bounded map: the set of function × reason is small). */
const MAX_REASONS = 100

const lastLine = new Map<string, { at: number, notLogged: number }>()

/** Logs (or counts) a route's store call refused for good. */
export function logStoreRefusal(event: H3Event, error: StoreRefusedError, now: () => number = () => Date.now()): void {
  const at = now()
  const last = lastLine.get(error.message)
  // A clock set back logs at once, rather than staying quiet until it caught up.
  if (last && at >= last.at && at - last.at < STORE_REFUSAL_LOG_WINDOW_MS) {
    last.notLogged++
    return
  }
  if (!last && lastLine.size >= MAX_REASONS) lastLine.delete(lastLine.keys().next().value!)
  lastLine.set(error.message, { at, notLogged: 0 })
  const jobId = (event.context?.params as Record<string, string> | undefined)?.id
  routeLogger.error('the job store refused a request\'s call for good (500); the store\'s functions and this server may not match', {
    method: event.method,
    path: event.path?.split('?')[0],
    ...(jobId === undefined ? {} : { jobId }),
    store: error.provider,
    error: error.name,
    reason: error.message,
    ...(last?.notLogged ? { notLoggedSince: last.notLogged } : {}),
  })
}

/** Tests: forget what was logged. */
export function resetStoreRefusalLog(): void {
  lastLine.clear()
}
