/**
 * Isolated calls waiting for a worker take turns by user: one user's job that asked for many calls
 * at once (a model round may ask for 20) does not put another user's call behind all of them — in
 * arrival order, with calls that run to their time limit, that call waited past
 * `isolation.queueTimeoutMs` and ended not run. A user's own calls keep their order.
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { createWaitingCalls } from '../../server/lib/isolation/waiting-calls'
import { useIsolationPools } from '../support/isolation-pools'

describe('isolated calls waiting for a worker', () => {
  const pools = useIsolationPools()

  it('take turns by user: another user\'s call runs next, not after every call of the first one', async () => {
    const isolation = pools.pool(resolveConfig({ isolation: { maxWorkers: 1, minWorkers: 1, maxQueue: 8 } }))
    const order: string[] = []
    const call = (userId: string, text: string) => isolation.run({ name: 'echo', args: { text }, context: { userId, jobId: `job-${userId}`, threadId: null, step: 1 }, timeoutMs: 60_000 }, new AbortController().signal)
      .then(({ result }) => order.push((result as { text: string }).text))
    // The first call takes the one worker; the others wait for it.
    await Promise.all([call('alice', 'a1'), call('alice', 'a2'), call('alice', 'a3'), call('alice', 'a4'), call('bob', 'b1'), call('bob', 'b2'), call('carol', 'c1')])
    expect(order).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3', 'a4'])
    expect(isolation.stats().calls).toBe(0)
  })
})

describe('the queue of waiting calls', () => {
  const entry = (userId: string) => ({ userId, enter() {}, refuse() {} })

  it('a user none of whose calls waits or runs is forgotten: nothing grows with the users served', () => {
    const waiting = createWaitingCalls()
    const first = entry('alice')
    waiting.push(first)
    expect(waiting.next()).toBe(first)
    // Running: alice was served, so bob (never served) goes first.
    const [alice, bob] = [entry('alice'), entry('bob')]
    waiting.push(alice)
    waiting.push(bob)
    expect(waiting.next()).toBe(bob)
    waiting.ended(first)
    waiting.ended(bob)
    expect(waiting.next()).toBe(alice)
    waiting.ended(alice)
    // Both forgotten (remembered, bob served before alice would go first): the older call goes first.
    const [alice2, bob2, carol] = [entry('alice'), entry('bob'), entry('carol')]
    for (const call of [carol, alice2, bob2]) waiting.push(call)
    // A call given up while it waited leaves the queue once.
    expect(waiting.remove(carol)).toBe(true)
    expect(waiting.remove(carol)).toBe(false)
    expect(waiting.next()).toBe(alice2)
    expect(waiting.next()).toBe(bob2)
    expect(waiting.next()).toBeUndefined()
    expect(waiting.length).toBe(0)
  })
})
