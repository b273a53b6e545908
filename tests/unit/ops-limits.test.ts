/**
 * Abuse limits without a server: the per-user sliding-window rate limiter (injected clock) and
 * the per-user cap on open streams.
 */
import { describe, expect, it } from 'vitest'
import { RateLimitError } from '../../server/lib/errors'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { createSlidingWindows, limitRate, RATE_WINDOW_MS } from '../../server/lib/rate-limit'
import { createStreamGate } from '../../server/lib/stream-limit'

function limiterAt(start = 1_000_000) {
  const clock = { now: start }
  const provider = createMemoryProvider({ now: () => clock.now })
  const limiter = { take: (userId: string, limit: number) => limitRate(provider, 'create', userId, limit) }
  return { clock, limiter }
}

describe('rate limiter (counted through the provider)', () => {
  it('allows `limit` per minute per user, then 429 with Retry-After and a message naming the limit', async () => {
    const { clock, limiter } = limiterAt()
    for (let index = 0; index < 3; index++) {
      await limiter.take('alice', 3)
      clock.now += 1000
    }
    const refused = await limiter.take('alice', 3).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(RateLimitError)
    expect((refused as RateLimitError).statusCode).toBe(429)
    expect((refused as RateLimitError).message).toContain('limits.createPerMinute')
    // The oldest request leaves the window 57 s from now.
    expect((refused as RateLimitError).retryAfterSeconds).toBe(57)
    await expect(limiter.take('bob', 3)).resolves.toBeUndefined()
  })

  it('slides: a slot frees exactly when the oldest request is a minute old', async () => {
    const { clock, limiter } = limiterAt()
    await limiter.take('alice', 2)
    clock.now += 30_000
    await limiter.take('alice', 2)
    clock.now += RATE_WINDOW_MS - 30_000 - 1
    await expect(limiter.take('alice', 2)).rejects.toThrow(RateLimitError)
    clock.now += 1
    await expect(limiter.take('alice', 2)).resolves.toBeUndefined()
  })

  it('refused requests do not count, a limit of 0 turns it off', async () => {
    const { clock, limiter } = limiterAt()
    await limiter.take('alice', 1)
    for (let index = 0; index < 5; index++) await expect(limiter.take('alice', 1)).rejects.toThrow(RateLimitError)
    clock.now += RATE_WINDOW_MS
    await expect(limiter.take('alice', 1)).resolves.toBeUndefined()
    for (let index = 0; index < 100; index++) await limiter.take('carol', 0)
  })

  it('sweeps keys idle for a whole window, so memory stays bounded', () => {
    const clock = { now: 1_000_000 }
    const windows = createSlidingWindows(() => clock.now)
    windows.take('create:alice', 1, RATE_WINDOW_MS)
    windows.take('create:bob', 1, RATE_WINDOW_MS)
    clock.now += 2 * RATE_WINDOW_MS
    windows.take('create:dave', 1, RATE_WINDOW_MS)
    expect(windows.size).toBe(1)
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
