import { afterEach, describe, expect, it, vi } from 'vitest'
import { parseRetryAfterMs } from '../../server/lib/model/upstream-response'

afterEach(() => {
  vi.useRealTimers()
})

describe('Retry-After', () => {
  it('reads seconds and an HTTP date (a past date is 0)', () => {
    vi.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') })
    expect(parseRetryAfterMs('2')).toBe(2_000)
    expect(parseRetryAfterMs(' 1.5 ')).toBe(1_500)
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:07 GMT')).toBe(7_000)
    expect(parseRetryAfterMs('Wed, 31 Dec 2025 23:00:00 GMT')).toBe(0)
  })

  it('ignores what is neither (the doubling backoff applies), even what Date.parse reads as a year', () => {
    for (const value of ['-1', '-30', '1e3', '5 seconds', '', null]) expect(parseRetryAfterMs(value)).toBeUndefined()
  })
})
