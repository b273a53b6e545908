/**
 * Wrong metrics tokens, counted per client address (as `trustedProxies` reads it, client-address.ts)
 * in this process: at most `METRICS_GUESSES_PER_MINUTE` a minute. Past that, every request from the
 * address is refused until the oldest wrong one is a minute old — the right token too: answering it
 * would tell a guess that hit, and the guessing would go on at full speed. A right token never
 * counts, and another address (the operator's Prometheus) is not held back. The token is still
 * compared in constant time (metrics.get.ts); this bounds how many it can be compared with.
 */
import { createSlidingWindows } from '../rate-limit'
import { routeLogger } from './route-logger'

/** Wrong tokens one client address may send a minute. */
export const METRICS_GUESSES_PER_MINUTE = 10
/** The window they are counted over. */
export const METRICS_GUESS_WINDOW_MS = 60_000

// Date.now read at each call (a test's fake clock too).
const guesses = createSlidingWindows(() => Date.now())

/** Seconds until `address` may send a token again (at least 1), or 0 when it may now. */
export function metricsGuessWaitSeconds(address: string): number {
  const waitMs = guesses.wait(address, METRICS_GUESSES_PER_MINUTE, METRICS_GUESS_WINDOW_MS)
  return waitMs < 0 ? 0 : Math.max(1, Math.ceil(waitMs / 1000))
}

/** Counts a wrong token from `address` (one `metricsGuessWaitSeconds` let through: there is room). */
export function countWrongMetricsToken(address: string): void {
  guesses.take(address, METRICS_GUESSES_PER_MINUTE, METRICS_GUESS_WINDOW_MS)
  // One line an address and minute, when it reaches the limit: someone is guessing (or a scraper has
  // an old token). The address only; never what was sent.
  if (metricsGuessWaitSeconds(address) > 0) routeLogger.warn(`the metrics route refuses ${address} for up to a minute: ${METRICS_GUESSES_PER_MINUTE} wrong tokens from it within a minute`)
}
