/**
 * Whether this instance is ready for the layer's requests, for load balancers and readiness probes
 * (GET/HEAD /api/jobs/health; decision 037). It asks no user and reads no job: the engine's start
 * (without waiting for it), the shutdown, and one cheap round trip to the job store (Redis `PING`,
 * Convex `health:check`) within `HEALTH_PING_DEADLINE_MS`, shared by every probe for
 * `HEALTH_PING_CACHE_MS` — many balancers probing every second cost the store one ping a second.
 */
import { backgroundJobsConfig, peekBackgroundJobsEngine } from './engine-instance'
import { ShuttingDownError } from './errors'
import type { BackgroundJobsEngine } from './engine'
import { createHealthFailureLog } from './health-failure-log'
import type { HealthFailureLog } from './health-failure-log'
import { createHealthPingLog, pingFailureReason } from './health-ping-log'
import { routeLogger } from './http/route-logger'
import type { Logger } from './logger'
import type { JobProvider } from './providers/types'
import type { TimerSet } from './timers'
import { createTimerSet } from './timers'

/** How long a probe waits for the store's answer: under Kubernetes' default probe timeout (1 s). */
export const HEALTH_PING_DEADLINE_MS = 750

/** How long one ping's outcome answers every probe (many balancers, one ping a second). */
export const HEALTH_PING_CACHE_MS = 1_000

/** What a 503 tells the balancer to wait (`Retry-After`), as the routes' other 503s. */
export const HEALTH_RETRY_AFTER_SECONDS = 5

/**
 * What the health route answers: `ok` and `disabled` (the layer switched off: the app still serves,
 * so the kill switch must not take it out of the balancer) are 200s; the others are 503s.
 */
export type HealthStatus = 'ok' | 'disabled' | 'starting' | 'draining' | 'provider-unreachable' | 'failed'

/**
 * The `reason` of a `failed` that is no failed start: the readiness check itself threw (a bug, or
 * an app's config read that fails). A fixed word, as the start's reasons: the error is logged, never
 * in the body (decision 037).
 */
export const HEALTH_CHECK_ERROR_REASON = 'health-check-error'

/** The health route's body: a `failed` one with why, in a fixed word. */
export interface HealthAnswer {
  status: HealthStatus
  reason?: string
}

/** Options of `createStorePing`. */
export interface StorePingOptions {
  /** @default HEALTH_PING_DEADLINE_MS */
  deadlineMs?: number
  /** @default HEALTH_PING_CACHE_MS */
  cacheMs?: number
  /** A monotonic clock in ms (tests). @default performance.now */
  now?: () => number
  /** Where a failed ping is told, limited (health-ping-log.ts). @default the routes' logger */
  logger?: Logger
  /** The deadline's timer (unref'd: a ping on its way never holds the process). @default a set of its own */
  timers?: TimerSet
}

/**
 * Pings a store at most once per `cacheMs`: probes meanwhile share the outcome, and probes while a
 * ping is on its way share that ping. A ping past `deadlineMs` counts as no answer (its own call
 * may still end later, bounded by the provider's command timeout). A failed ping is logged, limited
 * (health-ping-log.ts); a shared store's pings are counted with its other calls
 * (`provider_calls_total{operation="ping"}`, its failures in `provider_errors_total`).
 */
export function createStorePing(options: StorePingOptions = {}) {
  const deadlineMs = options.deadlineMs ?? HEALTH_PING_DEADLINE_MS
  const cacheMs = options.cacheMs ?? HEALTH_PING_CACHE_MS
  const now = options.now ?? (() => performance.now())
  const timers = options.timers ?? createTimerSet()
  const pingLog = createHealthPingLog({ logger: options.logger ?? routeLogger, now })
  let last: { provider: JobProvider, answered: boolean, at: number } | null = null
  let inFlight: { provider: JobProvider, answer: Promise<boolean> } | null = null

  function pingOnce(provider: JobProvider): Promise<boolean> {
    let cancel = () => {}
    const deadline = new Promise<string>((resolve) => {
      cancel = timers.timeout(() => resolve(`no answer within ${deadlineMs} ms`), deadlineMs)
    })
    const answered = Promise.resolve().then(() => provider.ping!()).then(() => null, pingFailureReason)
    return Promise.race([answered, deadline]).finally(cancel).then((failure) => {
      if (failure === null) pingLog.answered()
      else pingLog.failed(failure)
      return failure === null
    })
  }

  /** True when `provider` answered a ping (now, or less than `cacheMs` ago); a store in this process always does. */
  return function answers(provider: JobProvider): Promise<boolean> {
    if (!provider.ping) return Promise.resolve(true)
    if (last?.provider === provider && now() - last.at < cacheMs) return Promise.resolve(last.answered)
    if (inFlight?.provider === provider) return inFlight.answer
    const answer = pingOnce(provider).then((answered) => {
      last = { provider, answered, at: now() }
      inFlight = null
      return answered
    })
    inFlight = { provider, answer }
    return answer
  }
}

/** The process's ping (its cache is shared by every probe). */
const storeAnswers = createStorePing()

/** This instance's readiness, as the health route answers it. */
export async function readiness(answers: (provider: JobProvider) => Promise<boolean> = storeAnswers): Promise<HealthStatus> {
  const start = peekBackgroundJobsEngine()
  // A stopped start is a shutdown signal before the store ever answered.
  if (start.phase === 'stopped') return 'draining'
  if (start.phase === 'failed') return 'failed'
  // Known before the start (and with no store at all: a disabled layer connects to none).
  if ((start.value?.getConfig() ?? backgroundJobsConfig())?.enabled === false) return 'disabled'
  if (start.phase !== 'started') return 'starting'
  const engine = start.value
  if (draining(engine)) return 'draining'
  if (!(await answers(engine.provider))) return 'provider-unreachable'
  // The signal may have come while the ping was on its way.
  return draining(engine) ? 'draining' : 'ok'
}

/**
 * The process's log of readiness checks that threw: each probe would meet it again, so the first
 * is logged whole and the next ones counted (health-failure-log.ts), as the failed pings are.
 */
const readinessErrorLog = createHealthFailureLog({
  logger: routeLogger,
  now: () => performance.now(),
  level: 'error',
  lines: {
    failed: 'the health route\'s readiness check failed: it answers failed (503, reason health-check-error) until a check succeeds; later failures are counted, not logged one by one',
    counted: failures => `the health route's readiness check failed ${failures} more times (not logged one by one; the last error is shown)`,
    recovered: 'the health route\'s readiness check succeeds again',
  },
})

/**
 * What the health route answers: the readiness, and with a `failed` why in a fixed word — the
 * start's (`startFailureReason`), or `HEALTH_CHECK_ERROR_REASON` when the check threw (logged,
 * limited; its text is never in the body).
 */
export async function healthAnswer(check: () => Promise<HealthStatus> = readiness, log: HealthFailureLog = readinessErrorLog): Promise<HealthAnswer> {
  let answer: HealthAnswer
  try {
    const status = await check()
    const reason = status === 'failed' ? startFailureReason() : undefined
    answer = reason ? { status, reason } : { status }
  }
  catch (error) {
    log.failed({ error })
    return { status: 'failed', reason: HEALTH_CHECK_ERROR_REASON }
  }
  log.succeeded()
  return answer
}

/**
 * Why the start failed, when the health route says `failed` for it: one of start-failure.ts'
 * `START_FAILURE_REASONS` (`store-auth-refused` for a wrong Redis password) — a fixed word, never
 * the error's text (an address, a user name). Undefined otherwise.
 */
export function startFailureReason(): string | undefined {
  const start = peekBackgroundJobsEngine()
  return start.phase === 'failed' ? start.reason : undefined
}

/** True once the engine is disposed (the shutdown signal came). */
function draining(engine: BackgroundJobsEngine): boolean {
  try {
    engine.assertStreamsServed()
    return false
  }
  catch (error) {
    return error instanceof ShuttingDownError
  }
}
