/**
 * Per-user request rate limits (job creations, input answers, deletions, thread renames): a sliding window of one
 * minute, counted through the provider's `takeRate`, so a limit holds across every instance sharing the
 * store (Redis, Convex) instead of multiplying by the number of instances. The memory provider
 * counts in the process with `createSlidingWindows`.
 */
import { RateLimitError } from './errors'
import type { JobProvider, RateDecision, RateWindow } from './providers/types'

/** The window every `…PerMinute` limit counts over. */
export const RATE_WINDOW_MS = 60_000
/** Sweep idle keys at most this often. */
const SWEEP_INTERVAL_MS = 60_000

/** The rate limits: the `limits` setting of each (named so in messages) and what it counts. */
export const RATE_LIMITS = {
  create: { setting: 'createPerMinute', what: 'job creations' },
  input: { setting: 'inputPerMinute', what: 'input answers' },
  delete: { setting: 'deletePerMinute', what: 'job deletions' },
  rename: { setting: 'renamePerMinute', what: 'thread renames' },
  // Counted per client address, not per user (http/anonymous-creation.ts).
  anonymousCreate: { setting: 'anonymousCreatePerMinute', what: 'job creations by anonymous users from this address' },
} as const

/** What a rate limit counts. */
export type RateLimitKind = keyof typeof RATE_LIMITS

/**
 * Counts one request of `userId` (for `anonymousCreate`, a client address) against `limit` per minute, or throws `RateLimitError` (429,
 * naming the setting and when to retry). A limit ≤ 0 turns it off.
 */
export async function limitRate(provider: Pick<JobProvider, 'takeRate'>, kind: RateLimitKind, userId: string, limit: number): Promise<void> {
  const window = rateWindow(kind, userId, limit)
  if (!window) return
  const decision = await provider.takeRate(window.key, window.limit, window.windowMs)
  if (!decision.ok) throw rateLimitError(kind, limit, decision.retryAfterMs)
}

/**
 * For `limitRate(…).then(() => undefined, rateRefusal)`: a full window's 429 as a value, for a caller
 * that still answers a retry of what was taken before (an input answer); any other failure is thrown.
 */
export function rateRefusal(error: unknown): RateLimitError {
  if (error instanceof RateLimitError) return error
  throw error
}

/**
 * Whether one more answer of `userId` that `limits.inputPerMinute` refused may be checked against
 * its job's stored log for a retry of an answer taken before: as many such reads a minute as the
 * limit allows answers (a window of their own, `input-retry:<user>`), so a flood of refused answers
 * does not read a job's whole log each. Always with the limit off (nothing is refused then).
 */
export async function takeRetryCheck(provider: Pick<JobProvider, 'takeRate'>, userId: string, limit: number): Promise<boolean> {
  if (limit <= 0) return true
  return (await provider.takeRate(`input-retry:${userId}`, limit, RATE_WINDOW_MS)).ok
}

/** The window a request of `userId` counts in (one of `create`'s `rates`), or null when the limit is off (≤ 0). */
export function rateWindow(kind: RateLimitKind, userId: string, limit: number): RateWindow | null {
  return limit > 0 ? { key: `${kind}:${userId}`, limit, windowMs: RATE_WINDOW_MS } : null
}

/** The windows a job creation counts in: the user's, and an anonymous user's client address's (none when off). */
export function creationRates(userId: string, anonymousAddress: string | undefined, limits: { createPerMinute: number, anonymousCreatePerMinute: number }): RateWindow[] {
  const windows = [rateWindow('create', userId, limits.createPerMinute)]
  if (anonymousAddress !== undefined) windows.push(rateWindow('anonymousCreate', anonymousAddress, limits.anonymousCreatePerMinute))
  return windows.filter(window => window !== null)
}

/** The 429 for a full window: names the setting and when to retry. */
export function rateLimitError(kind: RateLimitKind, limit: number, retryAfterMs: number): RateLimitError {
  const { setting, what } = RATE_LIMITS[kind]
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000))
  return new RateLimitError(`Too many ${what}: at most ${limit} per minute (limits.${setting}); retry in ${retryAfterSeconds} s`, retryAfterSeconds, setting)
}

/**
 * Sliding windows in the process (the memory provider's `takeRate`). Each key keeps at most
 * `limit` timestamps, and keys idle for a whole window are swept (at the first request a minute
 * or more after the last sweep, or after the clock went back), so memory stays bounded by the keys
 * active in the last two windows.
 */
export function createSlidingWindows(now: () => number = Date.now) {
  const windows = new Map<string, { stamps: number[], windowMs: number }>()
  let lastSweepAt = now()

  function sweep(at: number) {
    // A clock set back (NTP step, a VM resumed) sweeps at once too: waiting until it caught up
    // again would keep every key of the meantime, for as long as the clock went back.
    if (at - lastSweepAt < SWEEP_INTERVAL_MS && at >= lastSweepAt) return
    lastSweepAt = at
    for (const [key, window] of windows) {
      const last = window.stamps.at(-1) ?? 0
      if (last <= at - window.windowMs || last > at) windows.delete(key)
    }
  }

  /** The stamps of `key` still in its window (stamps from the future, the clock went back since, dropped). */
  function current(key: string, windowMs: number, at: number): number[] {
    // Kept, stamps from the future would hold the key refused for as long as the clock went back, not for at most one window.
    return (windows.get(key)?.stamps ?? []).filter(stamp => stamp > at - windowMs && stamp <= at)
  }

  /** The time until a slot of the window frees, or -1 when it has room (the stamps are kept trimmed). */
  function waitFor(window: RateWindow, at: number): number {
    const stamps = current(window.key, window.windowMs, at)
    windows.set(window.key, { stamps, windowMs: window.windowMs })
    return stamps.length >= window.limit ? stamps[stamps.length - window.limit]! + window.windowMs - at : -1
  }

  /**
   * Counts a hit in every window, or none when one is full: then the full one that frees last and
   * its wait (the first such on a tie), so a retry after it finds every window with room.
   */
  function takeAll(rates: readonly RateWindow[]): { key: string, retryAfterMs: number } | null {
    const at = now()
    sweep(at)
    let refused: { key: string, retryAfterMs: number } | null = null
    for (const window of rates) {
      const wait = waitFor(window, at)
      if (wait >= 0 && (refused === null || wait > refused.retryAfterMs)) refused = { key: window.key, retryAfterMs: wait }
    }
    if (refused) return refused
    for (const window of rates) windows.get(window.key)!.stamps.push(at)
    return null
  }

  return {
    /** The time until `key` has room (ms), or -1 when it has: nothing is counted, no key is added. */
    wait(key: string, limit: number, windowMs: number): number {
      const at = now()
      sweep(at)
      const stamps = current(key, windowMs, at)
      return stamps.length >= limit ? stamps[stamps.length - limit]! + windowMs - at : -1
    },
    /** Counts a hit of `key`, or refuses with the time until a slot frees. */
    take(key: string, limit: number, windowMs: number): RateDecision {
      const refused = takeAll([{ key, limit, windowMs }])
      return refused ? { ok: false, retryAfterMs: refused.retryAfterMs } : { ok: true }
    },
    takeAll,
    /** Keys currently tracked (tests). */
    get size() {
      return windows.size
    },
    clear() {
      windows.clear()
    },
  }
}
