/**
 * The health route answers `provider-unreachable` when the job store's ping fails (health.ts,
 * decision 037). Before, nothing said why: a failed ping was neither logged nor counted, so an
 * operator whose balancer took instances out found nothing in the log or the metrics. Now the first
 * failure is logged with its reason (the error's class and message, or the deadline), the next ones
 * counted with at most one line a minute, and one line says when the store answers again; a shared
 * store's pings are counted with its other calls (`operation="ping"`).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createStorePing } from '../../server/lib/health'
import { HEALTH_PING_LOG_WINDOW_MS } from '../../server/lib/health-ping-log'
import { createMetrics } from '../../server/lib/metrics'
import { instrumentProvider } from '../../server/lib/providers/instrument-provider'
import type { JobProvider } from '../../server/lib/providers/types'
import { createTimerSet } from '../../server/lib/timers'
import { recordingLogger } from '../support/recording-logger'

class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError'
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** A store whose ping answers as `outcome` says: 'ok', 'down' (rejects at once) or 'silent' (never settles). */
function store() {
  let outcome: 'ok' | 'down' | 'silent' = 'ok'
  const provider = { ping: () => outcome === 'ok' ? Promise.resolve() : outcome === 'down' ? Promise.reject(new RedisUnavailableError('the connection to Redis is down')) : new Promise<void>(() => {}) } as unknown as JobProvider
  return { provider, set: (next: typeof outcome) => void (outcome = next) }
}

describe('the health route\'s failed store pings', () => {
  it('logs the first failure with its reason, counts the next ones at most once a minute, and says when the store answers again', async () => {
    let clock = 0
    const { logger, lines } = recordingLogger()
    const timers = createTimerSet()
    const answers = createStorePing({ cacheMs: 0, deadlineMs: 750, now: () => clock, logger, timers })
    const { provider, set } = store()
    expect(await answers(provider)).toBe(true)
    expect(lines).toEqual([])

    set('down')
    expect(await answers(provider)).toBe(false)
    // Before: [] (nothing logged).
    expect(lines).toEqual([{ level: 'warn', message: expect.stringContaining('did not answer the health route\'s ping'), fields: { reason: 'RedisUnavailableError: the connection to Redis is down' } }])
    // A probe a second: counted, not logged, until a minute passed since the line.
    for (let second = 1; second < 60; second++) {
      clock = second * 1_000
      expect(await answers(provider)).toBe(false)
    }
    expect(lines).toHaveLength(1)
    set('silent')
    clock = HEALTH_PING_LOG_WINDOW_MS
    const silent = answers(provider)
    await vi.advanceTimersByTimeAsync(750)
    expect(await silent).toBe(false)
    expect(lines.slice(1)).toEqual([{ level: 'warn', message: expect.stringContaining('failed 60 more times'), fields: { failures: 60, reason: 'no answer within 750 ms' } }])
    clock += 1_000
    const again = answers(provider)
    await vi.advanceTimersByTimeAsync(750)
    expect(await again).toBe(false)

    set('ok')
    clock += 1_000
    expect(await answers(provider)).toBe(true)
    expect(await answers(provider)).toBe(true)
    expect(lines.slice(2)).toEqual([{ level: 'info', message: 'the job store answers the health route\'s ping again', fields: { failures: 62 } }])
    // The deadline's timer is one of the set's, cleared once the ping settled.
    expect(timers.size).toBe(0)
  })

  it('counts a shared store\'s pings and their failures with its other calls (operation="ping")', async () => {
    const { provider: store1, set } = store()
    const metrics = createMetrics()
    const provider = instrumentProvider(store1, metrics, () => 0)
    const { logger } = recordingLogger()
    const answers = createStorePing({ cacheMs: 0, now: () => 0, logger })
    await answers(provider)
    set('down')
    await answers(provider)
    // Before: {} (a ping was no timed call).
    expect(metrics.snapshot().counters).toEqual({
      'provider_calls_total{operation="ping"}': 2,
      'provider_errors_total{error="RedisUnavailableError",operation="ping"}': 1,
    })
    expect(metrics.snapshot().histograms['provider_call_ms{operation="ping"}']).toMatchObject({ count: 2 })
  })
})
