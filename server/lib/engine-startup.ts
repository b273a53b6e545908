/**
 * Starting the engine when its job store may not be up yet (Redis restarting during a deploy,
 * started after the app): a start that fails because the store cannot be reached is tried again
 * with backoff, and meanwhile requests get a 503 with `Retry-After` — never a 500, never a hang —
 * and the instance starts working once the store answers. A start that fails for another reason
 * (a missing package) is not retried: requests get the 503 and the log says why. A store that
 * refuses this server (a wrong password) is tried again too, but `peek` says `failed` (start-failure.ts).
 */
import { ProviderUnavailableError, ShuttingDownError } from './errors'

/** The first pause before another attempt; it doubles up to `MAX_RETRY_DELAY_MS`. */
const FIRST_RETRY_DELAY_MS = 1_000
const MAX_RETRY_DELAY_MS = 30_000
/** What the 503 tells clients to wait. */
const RETRY_AFTER_SECONDS = 5

/** Options of `startWithRetry`. */
export interface StartupOptions<T> {
  /** The provider's name (in the 503). */
  provider: string
  /** True when a failure may pass by itself (the store unreachable): then it is tried again. */
  isRetryable: (error: unknown) => boolean
  /**
   * What a failure says (its reason), and whether `peek` calls the start `failed` for it while it
   * is still tried again (trying again alone cannot end it: a refused password). A final failure is
   * `failed` whatever this says. @default none: `failed` only when final, with no reason
   */
  describeFailure?: (error: unknown) => { reason: string, failed: boolean }
  /** Each failure, with the delay before the next attempt (null: no more attempts). */
  onFailure: (error: unknown, retryInMs: number | null) => void
  /** A value started after `stop` (an attempt was under way): release it. */
  discard: (value: T) => void
  /** @default 1000 */
  firstRetryDelayMs?: number
  /** @default 30000 */
  maxRetryDelayMs?: number
}

/** A start in progress, done, or failed. */
export interface Startup<T> {
  /**
   * The started value; while an attempt runs, that attempt's outcome; while waiting to try again
   * (or after a final failure), a `ProviderUnavailableError` (503) at once.
   */
  get(): Promise<T>
  /**
   * Stops a start that has not succeeded (the server shuts down): a later `get`, and one waiting
   * for the attempt under way, rejects with `ShuttingDownError` (503). A started value is kept.
   */
  stop(): void
  /** Settles with the value once started, with null once stopped or failed for good. */
  readonly settled: Promise<T | null>
  /** Where the start is, without waiting (the health route): the value once started. */
  peek(): StartupPeek<T>
}

/**
 * Where a start is: under way or waiting to try again, started, stopped (shutdown), or failed —
 * for good, or failing for a reason trying again alone cannot end (`describeFailure`: it is still
 * tried again, and starts once someone fixes it) — with the last failure's `reason`.
 */
export type StartupPeek<T> = { phase: 'starting' | 'stopped', value: null } | { phase: 'failed', value: null, reason?: string } | { phase: 'started', value: T }

/** Runs `start` until it succeeds, fails for good, or `stop` is called. */
export function startWithRetry<T>(start: () => Promise<T>, options: StartupOptions<T>): Startup<T> {
  const maxDelayMs = options.maxRetryDelayMs ?? MAX_RETRY_DELAY_MS
  let delayMs = options.firstRetryDelayMs ?? FIRST_RETRY_DELAY_MS
  let attempt: Promise<T> | null = null
  let failure: unknown = null
  let stopped = false
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let settle!: (value: T | null) => void
  const settled = new Promise<T | null>((resolve) => {
    settle = resolve
  })
  let started = false
  let startedValue: T | null = null
  // Ends the `get`s waiting for the attempt under way when the start is stopped (one per attempt:
  // nothing waits on it once the attempt has settled).
  let stopAttempt: ((error: unknown) => void) | null = null
  /** True once a failure was final: nothing is tried again. */
  let final = false
  const unavailable = () => new ProviderUnavailableError(
    options.provider,
    final ? 'The job store could not be started (the server log says why)' : 'The job store is not reachable yet (the server keeps trying); retry shortly',
    RETRY_AFTER_SECONDS,
    { cause: failure },
  )

  function run(): void {
    const current = start()
    attempt = new Promise<T>((resolve, reject) => {
      stopAttempt = reject
      current.then(resolve, reject)
    })
    attempt.catch(() => {})
    current.then((value) => {
      if (stopped) return options.discard(value)
      failure = null
      started = true
      startedValue = value
      settle(value)
    }, (error: unknown) => {
      if (stopped) return
      failure = error
      attempt = null
      const retry = options.isRetryable(error)
      options.onFailure(error, retry ? delayMs : null)
      if (!retry) {
        final = true
        settle(null)
        return
      }
      retryTimer = setTimeout(run, delayMs)
      delayMs = Math.min(delayMs * 2, maxDelayMs)
    })
    // The requests waiting on this attempt get its outcome; nothing is left unhandled.
    current.catch(() => {})
  }
  run()

  return {
    get() {
      if (stopped) return Promise.reject(new ShuttingDownError())
      if (!attempt) return Promise.reject(unavailable())
      return attempt.catch((error: unknown) => {
        throw error instanceof ShuttingDownError && stopped ? error : unavailable()
      })
    },
    stop() {
      if (stopped || started) return
      stopped = true
      clearTimeout(retryTimer)
      settle(null)
      stopAttempt?.(new ShuttingDownError())
    },
    settled,
    peek() {
      if (started) return { phase: 'started', value: startedValue as T }
      if (stopped) return { phase: 'stopped', value: null }
      // The last failure stands while the next attempt runs: a probe sees no `starting` in between.
      const described = failure === null ? undefined : options.describeFailure?.(failure)
      if (final || described?.failed) return { phase: 'failed', value: null, ...(described ? { reason: described.reason } : {}) }
      return { phase: 'starting', value: null }
    },
  }
}
