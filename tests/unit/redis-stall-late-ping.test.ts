/**
 * The stall check's PING is the only traffic on an idle connection (a pub/sub connection no job
 * publishes to, a command connection between requests). When Redis stalls a little longer than the
 * command timeout (a fork for a snapshot, a slow command, a short `CLIENT PAUSE`) or this process's
 * event loop was blocked as long, the PING's reply comes just after its timeout, with the new
 * connection's answer: that late reply shows the connection lives, and it is kept.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { watchForStall } from '../../server/lib/providers/redis-stall-check'
import { createTimerSet } from '../../server/lib/timers'

const INTERVAL_MS = 1_000
const TIMEOUT_MS = 500

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** A connection whose PINGs are answered `delayMs` after they are sent (never when null). */
function idleConnection(delayMs: number | null) {
  const timers = createTimerSet()
  let replaced = 0
  let pings = 0
  const stop = watchForStall({
    intervalMs: INTERVAL_MS,
    timeoutMs: TIMEOUT_MS,
    timers,
    ready: () => true,
    ping: () => {
      pings++
      return delayMs === null ? new Promise<boolean>(() => {}) : new Promise<boolean>(resolve => setTimeout(() => resolve(true), delayMs))
    },
    // Idle: nothing but the PING's reply ever arrives on it.
    heard: () => 0,
    answersNewConnection: async () => true,
    replace: () => {
      replaced++
    },
  })
  return { timers, stop, get replaced() { return replaced }, get pings() { return pings } }
}

describe('the stall check of an idle connection', () => {
  it('keeps a connection whose PING reply came just after the timeout', async () => {
    const connection = idleConnection(TIMEOUT_MS + 100)
    // First probe at 1 s: the reply at 1.6 s, after the 0.5 s timeout; the new connection answered.
    await vi.advanceTimersByTimeAsync(INTERVAL_MS + 3 * TIMEOUT_MS)
    expect(connection.pings).toBe(1)
    expect(connection.replaced).toBe(0)
    connection.stop()
    connection.timers.clearAll()
  })

  it('still replaces a connection whose PING is never answered', async () => {
    const connection = idleConnection(null)
    await vi.advanceTimersByTimeAsync(INTERVAL_MS + 3 * TIMEOUT_MS)
    expect(connection.replaced).toBe(1)
    connection.stop()
    connection.timers.clearAll()
  })
})
