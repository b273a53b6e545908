/**
 * Per-user request rate limits (job creation, input answers): a sliding window of one minute.
 * Each user keeps at most `limit` timestamps, and users idle for a whole window are swept, so
 * memory stays bounded by the users active in the last minute.
 */
import { RateLimitError } from './errors'

/** The window every `…PerMinute` limit counts over. */
export const RATE_WINDOW_MS = 60_000
/** Sweep idle users at most this often. */
const SWEEP_INTERVAL_MS = 60_000

/** Options of a limiter. */
export interface RateLimiterOptions {
  /** What the limit is called in messages, e.g. `limits.createPerMinute`. */
  limitName: string
  /** What is limited, in words: `job creations`. */
  what: string
  /** @default Date.now */
  now?: () => number
}

/** Creates a limiter; `take(userId, limit)` throws `RateLimitError` (429) when over the limit. */
export function createRateLimiter(options: RateLimiterOptions) {
  const now = options.now ?? Date.now
  const windows = new Map<string, number[]>()
  let lastSweepAt = now()

  function sweep(at: number) {
    if (at - lastSweepAt < SWEEP_INTERVAL_MS) return
    lastSweepAt = at
    for (const [key, stamps] of windows) {
      if ((stamps.at(-1) ?? 0) <= at - RATE_WINDOW_MS) windows.delete(key)
    }
  }

  return {
    /** Counts one request of `userId`, or throws when `limit` were made in the last minute. A limit ≤ 0 turns it off. */
    take(userId: string, limit: number): void {
      const at = now()
      sweep(at)
      if (!(limit > 0)) return
      const stamps = (windows.get(userId) ?? []).filter(stamp => stamp > at - RATE_WINDOW_MS)
      if (stamps.length >= limit) {
        windows.set(userId, stamps)
        const retryAfterSeconds = Math.max(1, Math.ceil((stamps[stamps.length - limit]! + RATE_WINDOW_MS - at) / 1000))
        throw new RateLimitError(`Too many ${options.what}: at most ${limit} per minute (${options.limitName}); retry in ${retryAfterSeconds} s`, retryAfterSeconds)
      }
      stamps.push(at)
      windows.set(userId, stamps)
    },
    /** Users currently tracked (tests, metrics). */
    get size() {
      return windows.size
    },
  }
}

/** A rate limiter. */
export type RateLimiter = ReturnType<typeof createRateLimiter>

const limiters = new Map<string, RateLimiter>()

/** The process-wide limiter for job creations. */
export function useCreateRateLimiter(): RateLimiter {
  return shared('create', () => createRateLimiter({ limitName: 'limits.createPerMinute', what: 'job creations' }))
}

/** The process-wide limiter for input answers. */
export function useInputRateLimiter(): RateLimiter {
  return shared('input', () => createRateLimiter({ limitName: 'limits.inputPerMinute', what: 'input answers' }))
}

function shared(name: string, create: () => RateLimiter): RateLimiter {
  let limiter = limiters.get(name)
  if (!limiter) {
    limiter = create()
    limiters.set(name, limiter)
  }
  return limiter
}
