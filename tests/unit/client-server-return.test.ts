/**
 * demo/app/lib/server-return.ts: after a graceful shutdown the turn waits for the server to answer
 * again — `reconnecting`, `offline` once an ask is missed, asking again with backoff (and at once
 * on a wake signal) — and says it is back exactly once; closing stops every timer.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { REOPEN_BASE_DELAY_MS, REOPEN_MAX_DELAY_MS } from '../../app/lib/job-stream'
import type { ServerReturnState } from '../../demo/app/lib/server-return'
import { waitForServerReturn } from '../../demo/app/lib/server-return'

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  vi.useRealTimers()
})

/** A server that is down until `up` is set; counts the asks. */
function fakeServer() {
  const server = { up: false, asks: 0 }
  const check = async () => {
    server.asks++
    if (!server.up) throw new TypeError('Failed to fetch')
  }
  return { server, check }
}

describe('waiting for a server that shut down', () => {
  it('is reconnecting, then offline while the server is down, asking with backoff, and back once it answers', async () => {
    const { server, check } = fakeServer()
    const states: ServerReturnState[] = []
    const onBack = vi.fn()
    waitForServerReturn({ check, onStateChange: state => states.push(state), onBack, subscribeToWake: () => () => {} })
    expect(states).toEqual(['reconnecting'])
    await vi.advanceTimersByTimeAsync(0)
    expect(server.asks).toBe(1)
    expect(states).toEqual(['reconnecting', 'offline'])
    // 1 s, 2 s, 4 s, 8 s, then at most 10 s apart.
    for (const delayMs of [1_000, 2_000, 4_000, 8_000, REOPEN_MAX_DELAY_MS, REOPEN_MAX_DELAY_MS]) {
      const before = server.asks
      await vi.advanceTimersByTimeAsync(delayMs - 1)
      expect(server.asks).toBe(before)
      await vi.advanceTimersByTimeAsync(1)
      expect(server.asks).toBe(before + 1)
    }
    expect(onBack).not.toHaveBeenCalled()
    expect(states).toEqual(['reconnecting', 'offline'])

    server.up = true
    await vi.advanceTimersByTimeAsync(REOPEN_MAX_DELAY_MS)
    expect(onBack).toHaveBeenCalledTimes(1)
    const asks = server.asks
    await vi.advanceTimersByTimeAsync(10 * REOPEN_MAX_DELAY_MS)
    expect(server.asks).toBe(asks)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('a server that answers at once is back at once (never offline)', async () => {
    const { server, check } = fakeServer()
    server.up = true
    const states: ServerReturnState[] = []
    const onBack = vi.fn()
    waitForServerReturn({ check, onStateChange: state => states.push(state), onBack, subscribeToWake: () => () => {} })
    await vi.advanceTimersByTimeAsync(0)
    expect(onBack).toHaveBeenCalledTimes(1)
    expect(states).toEqual(['reconnecting'])
  })

  it('asks at once when the device may be back, instead of waiting out the delay', async () => {
    const { server, check } = fakeServer()
    let wake = () => {}
    const onBack = vi.fn()
    waitForServerReturn({ check, onStateChange: () => {}, onBack, subscribeToWake: (listener) => { wake = listener; return () => {} } })
    await vi.advanceTimersByTimeAsync(0)
    await vi.advanceTimersByTimeAsync(REOPEN_BASE_DELAY_MS + 2_000)
    expect(server.asks).toBe(3)
    server.up = true
    wake()
    await vi.advanceTimersByTimeAsync(0)
    expect(server.asks).toBe(4)
    expect(onBack).toHaveBeenCalledTimes(1)
  })

  it('a wake signal while an ask is on its way is not lost: if that ask fails, the next goes at once', async () => {
    const asks: Array<{ resolve: () => void, reject: (error: Error) => void }> = []
    const check = () => new Promise<void>((resolve, reject) => asks.push({ resolve, reject }))
    let wake = () => {}
    const onBack = vi.fn()
    waitForServerReturn({ check, onStateChange: () => {}, onBack, subscribeToWake: (listener) => { wake = listener; return () => {} } })
    // Two misses: the next ask waits 2 s.
    asks[0]!.reject(new TypeError('Failed to fetch'))
    await vi.advanceTimersByTimeAsync(REOPEN_BASE_DELAY_MS)
    expect(asks).toHaveLength(2)
    // The device comes back while the second ask (sent before it did) is on its way; that ask fails.
    wake()
    asks[1]!.reject(new TypeError('Failed to fetch'))
    await vi.advanceTimersByTimeAsync(0)
    expect(asks).toHaveLength(3)
    asks[2]!.resolve()
    await vi.advanceTimersByTimeAsync(0)
    expect(onBack).toHaveBeenCalledTimes(1)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('close stops asking, leaves no timer or wake listener, and never reports back', async () => {
    const { server, check } = fakeServer()
    const unsubscribe = vi.fn()
    const onBack = vi.fn()
    const handle = waitForServerReturn({ check, onStateChange: () => {}, onBack, subscribeToWake: () => unsubscribe })
    await vi.advanceTimersByTimeAsync(0)
    handle.close()
    handle.close()
    expect(unsubscribe).toHaveBeenCalledTimes(1)
    expect(vi.getTimerCount()).toBe(0)
    server.up = true
    await vi.advanceTimersByTimeAsync(10 * REOPEN_MAX_DELAY_MS)
    expect(server.asks).toBe(1)
    expect(onBack).not.toHaveBeenCalled()
  })
})
