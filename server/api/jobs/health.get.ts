/**
 * GET /api/jobs/health — readiness for load balancers and Kubernetes probes (decision 037): `200
 * { status: 'ok' }` once the engine runs and its job store answered a ping (health.ts), `200 {
 * status: 'disabled' }` with the layer switched off; otherwise `503` with `Retry-After` and `{
 * status: 'starting' | 'draining' | 'provider-unreachable' | 'failed' }`, a `failed` start with its
 * `reason` (a fixed word: `store-auth-refused`…, start-failure.ts; `health-check-error` when the
 * check itself threw, health.ts). No user is resolved (no
 * session needed, no cookie set), and the answer holds nothing else: no job, no user, no setting,
 * no store address, no error text.
 */
import { defineEventHandler, setResponseHeader, setResponseStatus } from 'h3'
import { healthAnswer, HEALTH_RETRY_AFTER_SECONDS } from '../../lib/health'
import type { HealthStatus } from '../../lib/health'
import { requestIdOf } from '../../lib/http/request-id'
import { runInRequestScope } from '../../lib/request-scope'

/** The statuses that are a 200. */
const READY: ReadonlySet<HealthStatus> = new Set(['ok', 'disabled'])

export default defineEventHandler(event => runInRequestScope(requestIdOf(event), async () => {
  // Every probe asks again: no cache in front of the app may answer for this instance.
  setResponseHeader(event, 'cache-control', 'no-store')
  setResponseHeader(event, 'x-content-type-options', 'nosniff')
  // A `failed` says why in a fixed word, never an error's text; a check that threw is logged, limited.
  const answer = await healthAnswer()
  if (!READY.has(answer.status)) {
    setResponseStatus(event, 503, 'Service Unavailable')
    setResponseHeader(event, 'retry-after', HEALTH_RETRY_AFTER_SECONDS)
  }
  return answer
}))
