/**
 * GET /api/jobs/health — readiness for load balancers and Kubernetes probes (decision 037): `200
 * { status: 'ok' }` once the engine runs and its job store answered a ping (health.ts), `200 {
 * status: 'disabled' }` with the layer switched off; otherwise `503` with `Retry-After` and `{
 * status: 'starting' | 'draining' | 'provider-unreachable' | 'failed' }`, a `failed` start with its
 * `reason` (a fixed word: `store-auth-refused`…, start-failure.ts). No user is resolved (no
 * session needed, no cookie set), and the answer holds nothing else: no job, no user, no setting,
 * no store address, no error text.
 */
import { defineEventHandler, setResponseHeader, setResponseStatus } from 'h3'
import { HEALTH_RETRY_AFTER_SECONDS, readiness, startFailureReason } from '../../lib/health'
import type { HealthStatus } from '../../lib/health'
import { requestIdOf } from '../../lib/http/request-id'
import { routeLogger } from '../../lib/http/route-logger'
import { runInRequestScope } from '../../lib/request-scope'

/** The statuses that are a 200. */
const READY: ReadonlySet<HealthStatus> = new Set(['ok', 'disabled'])

export default defineEventHandler(event => runInRequestScope(requestIdOf(event), async () => {
  // Every probe asks again: no cache in front of the app may answer for this instance.
  setResponseHeader(event, 'cache-control', 'no-store')
  setResponseHeader(event, 'x-content-type-options', 'nosniff')
  const status = await readiness().catch((error: unknown) => {
    // Unexpected: the probe still gets the health route's shape, the operator the error.
    routeLogger.error('the health check failed', { error })
    return 'failed' as const
  })
  if (!READY.has(status)) {
    setResponseStatus(event, 503, 'Service Unavailable')
    setResponseHeader(event, 'retry-after', HEALTH_RETRY_AFTER_SECONDS)
  }
  // Why the start failed, as a fixed word (start-failure.ts): never the error's text.
  const reason = status === 'failed' ? startFailureReason() : undefined
  return reason ? { status, reason } : { status }
}))
