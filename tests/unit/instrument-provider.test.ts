/**
 * Calls to a shared store are counted by operation, timed, and their failures counted by
 * operation and error class — refusals the contract defines (a limit, a missing job) are answers,
 * not errors. Subscriptions and other properties pass through untouched.
 */
import { describe, expect, it } from 'vitest'
import { createMetrics } from '../../server/lib/metrics'
import { instrumentProvider } from '../../server/lib/providers/instrument-provider'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { ActiveLimitError } from '../../server/lib/providers/types'
import { newJob } from '../providers/contract-fixtures'

class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError'
}

/** A memory store whose `get` fails like an unreachable Redis and whose `deleteExpired` refuses (a limit); a clock that moves 3 ms per reading. */
function instrumented() {
  const memory = createMemoryProvider()
  const store = Object.assign(memory, {
    get: async () => Promise.reject(new RedisUnavailableError('the connection to Redis is down')),
    deleteExpired: async () => Promise.reject(new ActiveLimitError('user', 1)),
  })
  let clock = 0
  const metrics = createMetrics()
  return { memory: store, metrics, provider: instrumentProvider(store, metrics, () => (clock += 3)) }
}

describe('instrumented provider', () => {
  it('counts calls by operation, times them, counts failures by operation and error class; refusals are not errors', async () => {
    const { provider, metrics } = instrumented()
    const { record } = await provider.create(newJob())
    await provider.countActive()
    await expect(provider.get(record.id)).rejects.toThrow('the connection to Redis is down')
    await expect(provider.deleteExpired(0)).rejects.toBeInstanceOf(ActiveLimitError)
    const { counters, histograms } = metrics.snapshot()
    expect(counters).toEqual({
      'provider_calls_total{operation="create"}': 1,
      'provider_calls_total{operation="countActive"}': 1,
      'provider_calls_total{operation="get"}': 1,
      'provider_calls_total{operation="deleteExpired"}': 1,
      'provider_errors_total{error="RedisUnavailableError",operation="get"}': 1,
    })
    // By operation: which call is slow (a lease heartbeat, event writes), not one blend of all.
    expect(Object.keys(histograms).filter(key => key.startsWith('provider_call_ms')).sort()).toEqual([
      'provider_call_ms{operation="countActive"}',
      'provider_call_ms{operation="create"}',
      'provider_call_ms{operation="deleteExpired"}',
      'provider_call_ms{operation="get"}',
    ])
    expect(histograms['provider_call_ms{operation="get"}']).toMatchObject({ count: 1, sum: 3, buckets: { 2.5: 0, 5: 1 } })
    expect(histograms['provider_call_ms{operation="create"}']).toMatchObject({ count: 1, sum: 3 })
  })

  it('leaves subscriptions and other properties as they are', () => {
    const { provider, memory, metrics } = instrumented()
    expect(provider.subscribe).toBe(memory.subscribe)
    expect(provider.dispose).toBe(memory.dispose)
    expect(provider.appendEvents).toBe(provider.appendEvents)
    expect(metrics.snapshot().counters).toEqual({})
  })
})
