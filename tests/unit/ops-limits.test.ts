/**
 * Abuse limits without a server: the per-user sliding-window rate limiter (injected clock) and
 * the per-user cap on open streams.
 */
import { describe, expect, it } from 'vitest'
import { RateLimitError } from '../../server/lib/errors'
import { createRateLimiter, RATE_WINDOW_MS } from '../../server/lib/rate-limit'
import { createStreamGate } from '../../server/lib/stream-limit'

function limiterAt(start = 1_000_000) {
  const clock = { now: start }
  const limiter = createRateLimiter({ limitName: 'limits.createPerMinute', what: 'job creations', now: () => clock.now })
  return { clock, limiter }
}

describe('rate limiter', () => {
  it('allows `limit` per minute per user, then 429 with Retry-After and a message naming the limit', () => {
    const { clock, limiter } = limiterAt()
    for (let index = 0; index < 3; index++) {
      limiter.take('alice', 3)
      clock.now += 1000
    }
    let refused: unknown
    try {
      limiter.take('alice', 3)
    }
    catch (error) {
      refused = error
    }
    expect(refused).toBeInstanceOf(RateLimitError)
    expect((refused as RateLimitError).statusCode).toBe(429)
    expect((refused as RateLimitError).message).toContain('limits.createPerMinute')
    // The oldest request leaves the window 57 s from now.
    expect((refused as RateLimitError).retryAfterSeconds).toBe(57)
    expect(() => limiter.take('bob', 3)).not.toThrow()
  })

  it('slides: a slot frees exactly when the oldest request is a minute old', () => {
    const { clock, limiter } = limiterAt()
    limiter.take('alice', 2)
    clock.now += 30_000
    limiter.take('alice', 2)
    clock.now += RATE_WINDOW_MS - 30_000 - 1
    expect(() => limiter.take('alice', 2)).toThrow(RateLimitError)
    clock.now += 1
    expect(() => limiter.take('alice', 2)).not.toThrow()
  })

  it('refused requests do not count, a limit of 0 turns it off, and idle users are swept', () => {
    const { clock, limiter } = limiterAt()
    limiter.take('alice', 1)
    for (let index = 0; index < 5; index++) expect(() => limiter.take('alice', 1)).toThrow(RateLimitError)
    clock.now += RATE_WINDOW_MS
    expect(() => limiter.take('alice', 1)).not.toThrow()
    for (let index = 0; index < 100; index++) limiter.take('carol', 0)
    clock.now += 2 * RATE_WINDOW_MS
    limiter.take('dave', 1)
    expect(limiter.size).toBe(1)
  })
})

describe('stream gate', () => {
  it('caps open streams per user; a release (even twice) frees exactly one slot', () => {
    const gate = createStreamGate()
    const first = gate.acquire('alice', 2)
    gate.acquire('alice', 2)
    expect(() => gate.acquire('alice', 2)).toThrow(/limits\.maxStreamsPerUser/)
    expect(() => gate.acquire('bob', 2)).not.toThrow()
    first()
    first()
    expect(gate.count('alice')).toBe(1)
    expect(() => gate.acquire('alice', 2)).not.toThrow()
    expect(() => gate.acquire('alice', 2)).toThrow(RateLimitError)
    expect(gate.total()).toBe(3)
  })

  it('caps open streams of all users together; releases free global slots', () => {
    const gate = createStreamGate()
    const alice = gate.acquire('alice', 5, 2)
    gate.acquire('bob', 5, 2)
    expect(() => gate.acquire('carol', 5, 2)).toThrow(/limits\.maxStreams\b/)
    alice()
    alice()
    expect(gate.total()).toBe(1)
    expect(() => gate.acquire('carol', 5, 2)).not.toThrow()
    expect(gate.total()).toBe(2)
  })
})
