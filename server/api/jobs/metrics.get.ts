/**
 * GET /api/jobs/metrics — ops counters as JSON, or Prometheus text when `Accept` prefers `text/plain` (metrics-format.ts) or with
 * `?format=prometheus`. Off (404) unless `metricsToken` is configured; then it needs
 * `Authorization: Bearer <token>` (401 otherwise; past 10 wrong tokens a minute from one client
 * address, 429: metrics-guesses.ts). Not scoped to a user: it never shows job content.
 */
import { createError, defineEventHandler, getQuery, getRequestHeader, setResponseHeader } from 'h3'
import { metricsTokenOf } from '../../lib/config'
import { sameSecret } from '../../lib/same-secret'
import { ProviderUnavailableError, ShuttingDownError } from '../../lib/errors'
import { toHttpError } from '../../lib/http/handler'
import { useBackgroundJobsEngine } from '../../lib/engine-instance'
import { useMetrics } from '../../lib/metrics'
import { withKnownSeries } from '../../lib/metric-known-series'
import { engineGauges, toPrometheusText } from '../../lib/prometheus'
import { useStreamGate } from '../../lib/stream-limit'
import { wantsPrometheusText } from '../../lib/http/metrics-format'
import { clientAddress } from '../../lib/http/client-address'
import { trustedProxiesOf } from '../../lib/http/proxy-addresses'
import { requestIdOf } from '../../lib/http/request-id'
import { runInRequestScope } from '../../lib/request-scope'
import { countWrongMetricsToken, METRICS_GUESSES_PER_MINUTE, metricsGuessWaitSeconds } from '../../lib/http/metrics-guesses'

function tokenMatches(header: string | undefined, token: string): boolean {
  return sameSecret(/^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim() ?? '', token)
}

// Its lines (a store outage's 503, an address refused for guessing tokens) name the request, as the jobs routes' do.
export default defineEventHandler(event => runInRequestScope(requestIdOf(event), async () => {
  setResponseHeader(event, 'x-content-type-options', 'nosniff')
  const engine = await useBackgroundJobsEngine().catch((error: unknown) => {
    // The job store not reachable yet (the start is tried again) or a shutdown: the 503 every
    // route gives, with its Retry-After and the store named (api.md), not "not running".
    if (error instanceof ProviderUnavailableError || error instanceof ShuttingDownError) throw toHttpError(event, error)
    return null
  })
  if (!engine) throw createError({ statusCode: 503, statusMessage: 'Service Unavailable', message: 'The background jobs engine is not running' })
  const token = metricsTokenOf(engine.getConfig())
  // Off unless configured: answer like a route that does not exist.
  if (!token) throw createError({ statusCode: 404, statusMessage: 'Not Found', message: 'Not found' })
  const address = clientAddress(event, trustedProxiesOf(engine.getConfig()), engine.getConfig().clientIpv6PrefixLength)
  const waitSeconds = metricsGuessWaitSeconds(address)
  if (waitSeconds > 0) {
    setResponseHeader(event, 'retry-after', waitSeconds)
    throw createError({ statusCode: 429, statusMessage: 'Too Many Requests', message: `Too many wrong metrics tokens from this address: at most ${METRICS_GUESSES_PER_MINUTE} a minute; retry in ${waitSeconds} s` })
  }
  if (!tokenMatches(getRequestHeader(event, 'authorization'), token)) {
    countWrongMetricsToken(address)
    setResponseHeader(event, 'www-authenticate', 'Bearer')
    throw createError({ statusCode: 401, statusMessage: 'Unauthorized', message: 'The metrics route needs Authorization: Bearer <metricsToken>' })
  }
  // Series known in advance are there from the start, at 0 (metric-known-series.ts).
  const snapshot = withKnownSeries(useMetrics().snapshot())
  const engineStats = engine.stats()
  const openStreams = useStreamGate().total()
  // This thread's heap (isolation workers have their own, capped by isolation.heapMb); RSS is the whole process.
  const { heapUsed, rss } = process.memoryUsage()
  const wantsText = wantsPrometheusText(getRequestHeader(event, 'accept'), getQuery(event).format)
  setResponseHeader(event, 'cache-control', 'no-store')
  if (wantsText) {
    setResponseHeader(event, 'content-type', 'text/plain; version=0.0.4; charset=utf-8')
    return toPrometheusText(snapshot, { ...engineGauges(engineStats, openStreams), process_heap_used_bytes: heapUsed, process_rss_bytes: rss })
  }
  return { instanceId: engine.instanceId, ...snapshot, engine: engineStats, openStreams, process: { heapUsedBytes: heapUsed, rssBytes: rss } }
}))
