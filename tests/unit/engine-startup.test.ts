/**
 * The engine's start while its job store cannot be reached: tried again with backoff, a 503 at once
 * between attempts (never a hang, never a 500), working once the store answers; a failure of
 * another kind is not retried; stopping leaves no timer and releases a late start.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ProviderUnavailableError, StoreUnreachableError } from '../../server/lib/errors'
import { startWithRetry } from '../../server/lib/engine-startup'

/** A start whose attempts the test settles one by one. */
function scriptedStart() {
  const attempts: Array<{ resolve: (value: string) => void, reject: (error: unknown) => void }> = []
  const start = () => new Promise<string>((resolve, reject) => {
    attempts.push({ resolve, reject })
  })
  return { attempts, start }
}

describe('startWithRetry', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('tries again with doubling delays while the store is unreachable; 503 between attempts; works once it answers', async () => {
    const { attempts, start } = scriptedStart()
    const failures: Array<number | null> = []
    const startup = startWithRetry(start, { provider: 'redis', isRetryable: error => error instanceof StoreUnreachableError, onFailure: (_, retryInMs) => failures.push(retryInMs), discard: () => {} })
    // A request during the first attempt waits for it, and gets a 503 when it fails.
    const during = startup.get()
    attempts[0]!.reject(new StoreUnreachableError('connect ECONNREFUSED'))
    await expect(during).rejects.toBeInstanceOf(ProviderUnavailableError)
    await expect(startup.get()).rejects.toMatchObject({ statusCode: 503, retryAfterSeconds: 5, message: expect.stringContaining('not reachable yet') })
    expect(failures).toEqual([1_000])

    await vi.advanceTimersByTimeAsync(999)
    expect(attempts).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(attempts).toHaveLength(2)
    attempts[1]!.reject(new StoreUnreachableError('still down'))
    await vi.advanceTimersByTimeAsync(0)
    expect(failures).toEqual([1_000, 2_000])
    await vi.advanceTimersByTimeAsync(2_000)
    expect(attempts).toHaveLength(3)
    attempts[2]!.resolve('engine')
    expect(await startup.get()).toBe('engine')
    expect(await startup.settled).toBe('engine')
    expect(vi.getTimerCount()).toBe(0)
  })

  it('does not try again after another kind of failure: a 503 from then on, and no timer', async () => {
    const { attempts, start } = scriptedStart()
    const failures: Array<number | null> = []
    const startup = startWithRetry(start, { provider: 'redis', isRetryable: error => error instanceof StoreUnreachableError, onFailure: (_, retryInMs) => failures.push(retryInMs), discard: () => {} })
    attempts[0]!.reject(new Error('The redis provider needs the `redis` package'))
    expect(await startup.settled).toBeNull()
    expect(failures).toEqual([null])
    await expect(startup.get()).rejects.toMatchObject({ statusCode: 503, message: expect.stringContaining('could not be started') })
    expect(vi.getTimerCount()).toBe(0)
  })

  it('stop clears the pending retry, and an attempt that succeeds after stop is released', async () => {
    const { attempts, start } = scriptedStart()
    const discarded: string[] = []
    const startup = startWithRetry(start, { provider: 'redis', isRetryable: () => true, onFailure: () => {}, discard: value => discarded.push(value) })
    attempts[0]!.reject(new StoreUnreachableError('down'))
    await vi.advanceTimersByTimeAsync(0)
    expect(vi.getTimerCount()).toBe(1)
    startup.stop()
    expect(vi.getTimerCount()).toBe(0)
    expect(await startup.settled).toBeNull()

    const second = scriptedStart()
    const late = startWithRetry(second.start, { provider: 'redis', isRetryable: () => true, onFailure: () => {}, discard: value => discarded.push(value) })
    late.stop()
    second.attempts[0]!.resolve('late engine')
    await vi.advanceTimersByTimeAsync(0)
    expect(discarded).toEqual(['late engine'])
    // The server is shutting down: the 503 that asks clients to come back (Retry-After), not a 500.
    await expect(late.get()).rejects.toMatchObject({ name: 'ShuttingDownError', statusCode: 503, retryAfterSeconds: 5 })
  })
})
