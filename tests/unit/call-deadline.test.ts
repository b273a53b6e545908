/**
 * The time limit on remote store calls (server/lib/providers/call-deadline.ts): every call fails
 * with a 503 at its own deadline, one timer serves all the calls that wait, a call that settles
 * leaves nothing behind, and a timer that fires late gives the store's answer one more turn.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ProviderUnavailableError } from '../../server/lib/errors'
import { createCallDeadline } from '../../server/lib/providers/call-deadline'

function pending<T>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((settle, fail) => {
    resolve = settle
    reject = fail
  })
  return { promise, resolve, reject }
}

describe('a call deadline', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })
  const create = () => createCallDeadline({ provider: 'redis', storeName: 'Redis', timeoutMs: 1_000, timeoutVariable: 'X_MS', retryAfterSeconds: 5 })

  it('fails each call at its own deadline, in order, with one timer for all of them', async () => {
    const deadline = create()
    const outcomes: string[] = []
    const expired: string[] = []
    for (const [index, startMs] of [0, 100, 250].entries()) {
      if (startMs) await vi.advanceTimersByTimeAsync(startMs - [0, 100, 250][index - 1]!)
      void deadline(new Promise<never>(() => {}), `call ${index}`, () => {
        expired.push(`call ${index}`)
        return undefined
      })
        .catch((error: unknown) => outcomes.push(`${index}: ${(error as Error).message}`))
      expect(vi.getTimerCount()).toBe(1)
    }
    // 250 ms in; the first is due at 1,000, the second at 1,100, the third at 1,250.
    await vi.advanceTimersByTimeAsync(749)
    expect(outcomes).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(outcomes).toEqual(['0: Redis did not answer call 0 within 1000 ms: the job store is unreachable, retry shortly (X_MS)'])
    expect(expired).toEqual(['call 0'])
    await vi.advanceTimersByTimeAsync(99)
    expect(outcomes).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(outcomes).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(150)
    expect(outcomes).toHaveLength(3)
    expect(expired).toEqual(['call 0', 'call 1', 'call 2'])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('passes answers and failures through; a settled call never expires and the last one out stops the timer', async () => {
    const deadline = create()
    const first = pending<number>()
    const second = pending<number>()
    const third = pending<number>()
    const onExpire = vi.fn()
    const answers = [deadline(first.promise, 'a', onExpire), deadline(second.promise, 'b', onExpire), deadline(third.promise, 'c', onExpire)]
    await vi.advanceTimersByTimeAsync(500)
    // The oldest settles first: the timer stays for the others.
    first.resolve(1)
    await expect(answers[0]).resolves.toBe(1)
    expect(vi.getTimerCount()).toBe(1)
    third.reject(new Error('boom'))
    await expect(answers[2]).rejects.toThrow('boom')
    second.resolve(2)
    await expect(answers[1]).resolves.toBe(2)
    expect(vi.getTimerCount()).toBe(0)
    await vi.advanceTimersByTimeAsync(5_000)
    expect(onExpire).not.toHaveBeenCalled()
  })

  it('fails with the error the expiry returns, when it gives one', async () => {
    const deadline = create()
    const down = new Error('the connection is down')
    const waiting = deadline(new Promise<never>(() => {}), 'call', () => down).catch((error: unknown) => error)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(await waiting).toBe(down)
  })

  it('ignores an answer that comes after the deadline', async () => {
    const deadline = create()
    const late = pending<number>()
    const answer = deadline(late.promise, 'late').catch((error: unknown) => error)
    await vi.advanceTimersByTimeAsync(1_000)
    late.resolve(1)
    expect(await answer).toBeInstanceOf(ProviderUnavailableError)
  })

  it('keeps waiting for calls made after the oldest one settled (the timer is armed again for them)', async () => {
    const deadline = create()
    const oldest = pending<number>()
    const answers = [deadline(oldest.promise, 'old')]
    await vi.advanceTimersByTimeAsync(600)
    const newer = deadline(new Promise<never>(() => {}), 'new').catch((error: unknown) => error)
    oldest.resolve(1)
    await answers[0]
    // The timer armed for the oldest (due at 1,000) stopped with it gone; the newer one is due at 1,600.
    await vi.advanceTimersByTimeAsync(999)
    let settled = false
    void newer.then(() => (settled = true))
    await vi.advanceTimersByTimeAsync(0)
    expect(settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(await newer).toBeInstanceOf(ProviderUnavailableError)
  })

  it('a timer that fires late gives an answer that arrived meanwhile one more turn, then expires what is still waiting', async () => {
    const deadline = create()
    const slow = pending<number>()
    const answered = deadline(slow.promise, 'slow')
    const silent = deadline(new Promise<never>(() => {}), 'silent').catch((error: unknown) => error)
    // The event loop was busy past the deadline: the timer runs 50 ms late.
    const startMs = performance.now()
    const clock = vi.spyOn(performance, 'now').mockReturnValue(startMs + 1_050)
    try {
      vi.advanceTimersToNextTimer()
      // Its answer was read after the late timer ran, in the same turn: it counts.
      slow.resolve(7)
      await expect(answered).resolves.toBe(7)
      let settled = false
      void silent.then(() => (settled = true))
      await Promise.resolve()
      expect(settled).toBe(false)
      // The extra turn passes with no answer for the other.
      await vi.advanceTimersToNextTimerAsync()
      expect(await silent).toBeInstanceOf(ProviderUnavailableError)
      expect(vi.getTimerCount()).toBe(0)
    }
    finally {
      clock.mockRestore()
    }
  })
})
