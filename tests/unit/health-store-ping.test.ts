/**
 * The health route's store ping (health.ts): many balancers probing every second cost the store one
 * ping per `cacheMs`, probes during a ping share it, and a store that does not answer within the
 * deadline counts as unreachable without holding the probe.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createStorePing } from '../../server/lib/health'
import type { JobProvider } from '../../server/lib/providers/types'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('the health route\'s store ping', () => {
  it('pings once per cacheMs however many probes ask, and shares a ping on its way', async () => {
    let clock = 0
    const ping = vi.fn(() => Promise.resolve())
    const provider = { ping } as unknown as JobProvider
    const answers = createStorePing({ cacheMs: 1_000, now: () => clock })
    expect(await Promise.all([answers(provider), answers(provider), answers(provider)])).toEqual([true, true, true])
    clock = 999
    expect(await answers(provider)).toBe(true)
    expect(ping).toHaveBeenCalledTimes(1)
    clock = 1_000
    expect(await answers(provider)).toBe(true)
    expect(ping).toHaveBeenCalledTimes(2)
  })

  it('a store that does not answer within the deadline is unreachable, and that answer is kept for cacheMs too', async () => {
    let clock = 0
    const ping = vi.fn(() => new Promise<void>(() => {}))
    const provider = { ping } as unknown as JobProvider
    const answers = createStorePing({ deadlineMs: 750, cacheMs: 1_000, now: () => clock })
    const answer = answers(provider)
    await vi.advanceTimersByTimeAsync(749)
    const seen = await Promise.race([answer, Promise.resolve('pending')])
    expect(seen).toBe('pending')
    await vi.advanceTimersByTimeAsync(1)
    expect(await answer).toBe(false)
    clock = 500
    expect(await answers(provider)).toBe(false)
    expect({ pings: ping.mock.calls.length, timers: vi.getTimerCount() }).toEqual({ pings: 1, timers: 0 })
  })

  it('a store in this process (no ping: memory) always answers', async () => {
    expect(await createStorePing()({} as JobProvider)).toBe(true)
  })
})
