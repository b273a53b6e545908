/**
 * A user subscription's catch-up after a pub/sub reconnect reads the user's jobs changed while the
 * connection was down (their notifications were lost). When that read fails (a command timing
 * out just as the connection came back, a Redis still busy or refusing commands) it is read again
 * on a timer, for the same window, until it succeeds, as a job follower's catch-up is: nothing else
 * would report those jobs (a job-end toast, a question waiting for an answer). A job announced on
 * the user channel whose record could not be read is caught up the same way. Time is fake.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fakeChannelHub } from '../support/fake-channel-hub'
import { CATCH_UP_RETRY_BASE_MS } from '../../server/lib/providers/redis-follow'
import { createRedisSubscriptions } from '../../server/lib/providers/redis-subscriptions'
import type { JobRecord } from '../../server/lib/providers/types'
import type { ChannelHub } from '../../server/lib/providers/redis-follow'

/** A hub whose channels the test publishes to (no connection, no reconnect). */
function publishingHub() {
  const listeners = new Map<string, (message: string) => void>()
  const hub: ChannelHub = {
    listen(channel, listener) {
      listeners.set(channel, listener)
      return { ready: Promise.resolve(), stop: () => listeners.delete(channel) }
    },
    onReconnect: () => () => {},
    get size() {
      return listeners.size
    },
  }
  return { hub, publish: (channel: string, message: string) => listeners.get(channel)?.(message) }
}

describe('redis user subscriptions: a failed catch-up after a reconnect', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'Date'] })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is read again, for the whole outage, until it succeeds', async () => {
    const { hub, reconnect } = fakeChannelHub()
    const start = Date.now()
    let failures = 1
    const errors: unknown[] = []
    // A job that ended while the connection was down, and one that changed long before.
    const stored = [
      { id: 'ended-during-outage', updatedAt: start + 30_000 } as JobRecord,
      { id: 'old', updatedAt: start - 60_000 } as JobRecord,
    ]
    const subscriptions = createRedisSubscriptions({
      prefix: 't:',
      connect: async () => ({ connection: {} as never, hub }),
      command: async () => [] as never,
      readEntries: async () => [],
      get: async () => null,
      list: async () => {
        if (failures > 0) {
          failures--
          throw new Error('Redis did not answer HMGET within 5000 ms')
        }
        return stored
      },
      now: () => Date.now(),
      onError: error => errors.push(error),
    })
    const received: string[] = []
    const stop = subscriptions.subscribeUserJobs('u', records => received.push(...records.map(record => record.id)))
    await vi.advanceTimersByTimeAsync(0)
    // Down for a minute, then back: the first catch-up read fails.
    await vi.advanceTimersByTimeAsync(60_000)
    reconnect()
    await vi.advanceTimersByTimeAsync(0)
    expect(errors).toHaveLength(1)
    expect(received).toEqual([])
    await vi.advanceTimersByTimeAsync(CATCH_UP_RETRY_BASE_MS)
    expect(received).toEqual(['ended-during-outage'])
    // Read once more only: nothing is retried after a success.
    await vi.advanceTimersByTimeAsync(60_000)
    expect(received).toEqual(['ended-during-outage'])
    expect(errors).toHaveLength(1)
    stop()
    subscriptions.stopAll()
  })

  it('a job announced on the user channel whose record could not be read is read again with the user\'s changed jobs', async () => {
    const { hub, publish } = publishingHub()
    let failures = 1
    const errors: unknown[] = []
    const subscriptions = createRedisSubscriptions({
      prefix: 't:',
      connect: async () => ({ connection: {} as never, hub }),
      command: async () => [] as never,
      readEntries: async () => [],
      get: async () => {
        if (failures > 0) {
          failures--
          throw new Error('Redis did not answer HGETALL within 5000 ms')
        }
        return null
      },
      list: async () => [{ id: 'ended', updatedAt: Date.now() } as JobRecord],
      now: () => Date.now(),
      onError: error => errors.push(error),
    })
    const received: string[] = []
    const stop = subscriptions.subscribeUserJobs('u', records => received.push(...records.map(record => record.id)))
    await vi.advanceTimersByTimeAsync(0)
    // Its end is announced while Redis is slow: the record read times out.
    publish('t:user:u', 'ended')
    await vi.advanceTimersByTimeAsync(0)
    expect(errors).toHaveLength(1)
    expect(received).toEqual([])
    await vi.advanceTimersByTimeAsync(CATCH_UP_RETRY_BASE_MS)
    expect(received).toEqual(['ended'])
    stop()
    subscriptions.stopAll()
  })

  it('is not read again once the provider stopped its subscriptions (dispose)', async () => {
    const { hub, reconnect } = fakeChannelHub()
    let reads = 0
    const subscriptions = createRedisSubscriptions({
      prefix: 't:',
      connect: async () => ({ connection: {} as never, hub }),
      command: async () => [] as never,
      readEntries: async () => [],
      get: async () => null,
      list: async () => {
        reads++
        throw new Error('The job store (Redis) is unavailable: the connection is closed; retry shortly')
      },
      now: () => Date.now(),
      onError: () => {},
    })
    subscriptions.subscribeUserJobs('u', () => {})
    await vi.advanceTimersByTimeAsync(0)
    reconnect()
    await vi.advanceTimersByTimeAsync(0)
    expect(reads).toBe(1)
    subscriptions.stopAll()
    await vi.advanceTimersByTimeAsync(120_000)
    expect(reads).toBe(1)
    expect(vi.getTimerCount()).toBe(0)
  })
})
