/**
 * Creations a request check refuses (a 400: a workflow input its schema does not accept, an unknown
 * workflow or tool) count against the creation rate windows too (`limits.createPerMinute`, an
 * anonymous client address's `anonymousCreatePerMinute`). A workflow's input schema is the app's,
 * so its work cannot be bounded by the layer: a body of many wrong items within
 * `limits.maxBodyBytes` costs a second of zod work, and a 400 that counted nothing could be sent
 * again at once, holding the event loop. A window found full here is remembered until it frees, so
 * later creations of that window are refused with the 429 before their body is checked (one with
 * an Idempotency-Key is looked up first, unchecked: a retry gets its job back, admit-creation.ts).
 */
import { useMetrics } from './metrics'
import type { JobProvider, RateWindow } from './providers/types'
import { rateLimitError } from './rate-limit'
import type { RateLimitError } from './errors'

/** Full windows remembered at most (the oldest are dropped past it; each took `limit` requests to fill). */
const MAX_REMEMBERED = 10_000

/** The gate of `createJob` for windows full of refused creations; `now` is the engine's clock. */
export function createRefusedCreations(provider: Pick<JobProvider, 'takeRate'>, now: () => number) {
  /** Window key → when it frees (ms). */
  const fullUntil = new Map<string, number>()

  function remember(key: string, until: number) {
    const at = now()
    for (const [known, frees] of fullUntil) if (frees <= at) fullUntil.delete(known)
    fullUntil.delete(key)
    fullUntil.set(key, until)
    if (fullUntil.size > MAX_REMEMBERED) fullUntil.delete(fullUntil.keys().next().value!)
  }

  function refusal(window: RateWindow, retryAfterMs: number, counted = true) {
    if (counted) useMetrics().increment('jobs_refused_total', { reason: 'rate' })
    return rateLimitError(window.key.startsWith('anonymousCreate:') ? 'anonymousCreate' : 'create', window.limit, retryAfterMs)
  }

  return {
    /** The 429 of a window this instance found full and that has not freed yet, or null (not counted in metrics: the caller counts what it answers). */
    refusalOf(windows: readonly RateWindow[]): RateLimitError | null {
      const at = now()
      for (const window of windows) {
        const until = fullUntil.get(window.key)
        if (until === undefined) continue
        if (until > at) return refusal(window, until - at, false)
        fullUntil.delete(window.key)
      }
      return null
    },
    /**
     * Counts a refused creation in each window; throws the 429 (and remembers it) when one is full.
     * A store that cannot count it leaves the refusal as it was (the client's 400, not a 503).
     */
    async count(windows: readonly RateWindow[]): Promise<void> {
      for (const window of windows) {
        const decision = await provider.takeRate(window.key, window.limit, window.windowMs).catch(() => null)
        if (!decision) return
        if (decision.ok) continue
        remember(window.key, now() + decision.retryAfterMs)
        throw refusal(window, decision.retryAfterMs)
      }
    },
  }
}
