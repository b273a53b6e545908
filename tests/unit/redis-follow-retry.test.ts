/**
 * A follower whose catch-up read fails (a command timing out just as the pub/sub connection came
 * back) reads again on a timer until it succeeds: the item it was to find may be the job's end,
 * published while the connection was down, with no later message to set off another read
 * (server/lib/providers/redis-follow.ts). Time is fake.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Numbered } from '../../server/lib/providers/redis-follow'
import { fakeChannelHub } from '../support/fake-channel-hub'
import { CATCH_UP_RETRY_BASE_MS, follow } from '../../server/lib/providers/redis-follow'

describe('redis follower: a failed catch-up is read again', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  function setup() {
    const { hub, reconnect } = fakeChannelHub()
    const stored: Array<Numbered<string>> = [{ first: 1, last: 1, item: 'a' }]
    let failReads = 0
    const errors: unknown[] = []
    const delivered: string[] = []
    const follower = follow<string>({
      hub,
      channel: 'c',
      after: 1,
      head: async () => stored.at(-1)!.last,
      readAfter: async (after) => {
        if (failReads > 0) {
          failReads--
          throw new Error('Redis did not answer a script call within 5000 ms')
        }
        return stored.filter(entry => entry.last > after)
      },
      parse: () => [],
      deliver: items => delivered.push(...items),
      onError: error => errors.push(error),
    })
    return { follower, reconnect, stored, delivered, errors, failTimes: (times: number) => { failReads = times } }
  }

  it('after a reconnect whose read failed twice, the end published meanwhile still arrives, once', async () => {
    const { follower, reconnect, stored, delivered, errors, failTimes } = setup()
    await vi.advanceTimersByTimeAsync(0)
    stored.push({ first: 2, last: 2, item: 'job-end' })
    failTimes(2)
    reconnect()
    await vi.advanceTimersByTimeAsync(0)
    expect(delivered).toEqual([])
    await vi.advanceTimersByTimeAsync(CATCH_UP_RETRY_BASE_MS)
    expect(delivered).toEqual([])
    await vi.advanceTimersByTimeAsync(CATCH_UP_RETRY_BASE_MS * 2)
    expect(delivered).toEqual(['job-end'])
    expect(errors).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(delivered).toEqual(['job-end'])
    follower.stop()
  })

  it('a stopped follower reads nothing more and leaves no timer', async () => {
    const { follower, reconnect, stored, delivered, failTimes } = setup()
    await vi.advanceTimersByTimeAsync(0)
    stored.push({ first: 2, last: 2, item: 'job-end' })
    failTimes(1)
    reconnect()
    await vi.advanceTimersByTimeAsync(0)
    follower.stop()
    expect(vi.getTimerCount()).toBe(0)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(delivered).toEqual([])
  })
})
