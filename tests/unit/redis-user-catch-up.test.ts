/**
 * The user subscriptions of the Redis provider after a pub/sub reconnect
 * (server/lib/providers/redis-subscriptions.ts), over a fake hub and a fake store: every followed
 * user catches up, but only a few at a time, so one reconnect with thousands of notification
 * streams does not read thousands of job lists at once.
 */
import { describe, expect, it } from 'vitest'
import { fakeChannelHub } from '../support/fake-channel-hub'
import { createRedisSubscriptions } from '../../server/lib/providers/redis-subscriptions'
import type { JobRecord } from '../../server/lib/providers/types'
import { createWorkSlots } from '../../server/lib/work-slots'

const flush = async () => {
  for (let turn = 0; turn < 20; turn++) await new Promise(resolve => setImmediate(resolve))
}

describe('redis user subscriptions: catch-up after a reconnect', () => {
  it('runs at most four catch-ups at a time, every followed user in turn, and none for a user no longer followed', async () => {
    const { hub, reconnect } = fakeChannelHub()
    let now = 1_000_000
    const pending: Array<{ userId: string, answer: (records: JobRecord[]) => void }> = []
    let inFlight = 0
    let mostInFlight = 0
    const subscriptions = createRedisSubscriptions({
      prefix: 't:',
      connect: async () => ({ connection: {} as never, hub }),
      command: async () => [] as never,
      readEntries: async () => [],
      get: async () => null,
      list: filter => new Promise((resolve) => {
        inFlight++
        mostInFlight = Math.max(mostInFlight, inFlight)
        pending.push({ userId: filter.userId!, answer: (records) => {
          inFlight--
          resolve(records)
        } })
      }),
      now: () => now,
      onError: (error) => { throw error },
    })
    const received: string[] = []
    const stops = Array.from({ length: 20 }, (_, index) => subscriptions.subscribeUserJobs(`user-${index}`, records => received.push(...records.map(record => record.id))))
    await flush()
    now += 60_000
    // user-19 stops following before its turn comes.
    reconnect()
    stops[19]!()
    await flush()
    expect(pending).toHaveLength(4)
    const answered: string[] = []
    while (pending.length > 0) {
      const { userId, answer } = pending.shift()!
      answered.push(userId)
      answer([{ id: `job-of-${userId}`, updatedAt: now } as JobRecord])
      await flush()
      expect(inFlight).toBeLessThanOrEqual(4)
    }
    expect(mostInFlight).toBe(4)
    expect(answered).toEqual(Array.from({ length: 19 }, (_, index) => `user-${index}`))
    expect(received).toEqual(answered.map(userId => `job-of-${userId}`))
    stops.forEach(stop => stop())
    subscriptions.stopAll()
  })
})

describe('work slots', () => {
  it('runs work in order of arrival past the limit, frees a slot when work throws, and refuses a limit below one', async () => {
    const slots = createWorkSlots(2)
    const order: string[] = []
    const gates = new Map<string, () => void>()
    const job = (name: string, fail = false) => slots.run(() => new Promise<string>((resolve, reject) => {
      order.push(name)
      gates.set(name, () => fail ? reject(new Error(name)) : resolve(name))
    }))
    const results = [job('a', true).catch((error: Error) => `failed ${error.message}`), job('b'), job('c'), job('d')]
    await flush()
    expect(order).toEqual(['a', 'b'])
    expect([slots.running, slots.waiting]).toEqual([2, 2])
    gates.get('a')!()
    await flush()
    expect(order).toEqual(['a', 'b', 'c'])
    gates.get('b')!()
    gates.get('c')!()
    await flush()
    gates.get('d')!()
    expect(await Promise.all(results)).toEqual(['failed a', 'b', 'c', 'd'])
    expect([slots.running, slots.waiting]).toEqual([0, 0])
    expect(() => createWorkSlots(0)).toThrow(RangeError)
  })
})
