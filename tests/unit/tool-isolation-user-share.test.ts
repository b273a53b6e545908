/**
 * One user's isolated calls do not take the whole pool from the others (`isolation.maxWorkersPerUser`,
 * docs/decisions/017): while another user's call waits, a worker that frees goes to a user holding
 * fewer workers than the share, never back to one holding it. Work-conserving: a lone user's round
 * takes every worker. The queue's choice is checked alone (no threads), then on real workers, where
 * a slow call answers when the test releases it (its worker then takes the next call); the order
 * is that of the pool's `started` callbacks, so nothing depends on timing.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import type { ToolIsolation } from '../../server/lib/isolation/tool-pool'
import { createWaitingCalls } from '../../server/lib/isolation/waiting-calls'
import { useIsolationPools } from '../support/isolation-pools'

/** How the tests wait for a worker's news (polls of what the pool reported, no wall-clock asserts). */
const POLL = { timeout: 10_000, interval: 5 }

describe('the queue\'s choice with a share per user', () => {
  const entry = (userId: string) => ({ userId, enter() {}, refuse() {} })

  it('a worker that frees goes to the user holding fewer than the share, not back to one holding more', () => {
    const waiting = createWaitingCalls(() => 1)
    const alice = Array.from({ length: 20 }, () => entry('alice'))
    for (const call of alice) waiting.push(call)
    // Alone, alice takes all four workers (work-conserving).
    expect([waiting.next(), waiting.next(), waiting.next(), waiting.next()]).toEqual(alice.slice(0, 4))
    const [bob1, bob2] = [entry('bob'), entry('bob')]
    waiting.push(bob1)
    waiting.push(bob2)
    waiting.ended(alice[0]!)
    expect(waiting.next()).toBe(bob1)
    // Alice holds 2 after this one ends, bob 1: bob's second call, although alice was served longer ago.
    waiting.ended(alice[1]!)
    expect(waiting.next()).toBe(bob2)
    // Only alice waits now: she takes the next free worker again.
    waiting.ended(bob1)
    expect(waiting.next()).toBe(alice[4])
  })

  it('users under the share take turns; when every waiting user holds the share, the one holding fewest goes first', () => {
    const waiting = createWaitingCalls(() => 2)
    const calls = ['alice', 'alice', 'alice', 'bob', 'carol', 'carol'].map(entry)
    for (const call of calls) waiting.push(call)
    // Turns while under 2: alice, bob, carol, then alice's second (served before carol).
    expect([waiting.next(), waiting.next(), waiting.next(), waiting.next()]).toEqual([calls[0], calls[3], calls[4], calls[1]])
    // carol holds 1 (< 2): her second call goes before alice's third (alice holds 2).
    expect(waiting.next()).toBe(calls[5])
    // Everyone waiting (alice) is at the share: she still gets the worker.
    expect(waiting.next()).toBe(calls[2])
    expect(waiting.length).toBe(0)
  })
})

describe('a full queue', () => {
  const entry = (userId: string) => ({ userId, enter() {}, refuse() {} })

  it('a call of a user holding less takes the place of the newest waiting call of the user holding most; never back and forth', () => {
    const waiting = createWaitingCalls(() => 1)
    const alice = Array.from({ length: 4 }, () => entry('alice'))
    for (const call of alice) waiting.push(call)
    waiting.next()
    // alice: 1 running, 3 waiting. bob (0) takes the place of alice's newest.
    expect(waiting.displace('bob')).toBe(alice[3])
    waiting.push(entry('bob'))
    // alice 3, bob 1: bob's next call takes another of alice's places (3 > 1 + 1) …
    expect(waiting.displace('bob')).toBe(alice[2])
    waiting.push(entry('bob'))
    // … but at 2 and 2 nothing moves, nor for alice herself, the one holding most.
    expect(waiting.displace('bob')).toBeUndefined()
    expect(waiting.displace('alice')).toBeUndefined()
    expect(waiting.length).toBe(3)
  })
})

describe('on real workers', () => {
  const pools = useIsolationPools()
  let markers: string
  beforeAll(() => {
    markers = mkdtempSync(join(tmpdir(), 'bgjobs-share-markers-'))
  })
  afterAll(() => rmSync(markers, { recursive: true, force: true }))

  /** A pool whose calls record the order in which workers start them, and which calls are in its queue. */
  function sharedPool(isolation: BackgroundJobsConfigInput['isolation']) {
    const pool: ToolIsolation = pools.pool(resolveConfig({ isolation: { minWorkers: 0, maxQueue: 32, ...isolation } }))
    const started: string[] = []
    const queued = new Set<string>()
    // Release files of this pool's calls (the labels start again in every test).
    const releases = mkdtempSync(join(markers, 'releases-'))
    let count = 0
    function call(userId: string, name: string, args: Record<string, unknown> = {}) {
      const label = `${userId}${++count}`
      const controller = new AbortController()
      const outcome = pool.run({ name, args, context: { userId, jobId: `job-${label}`, threadId: null, step: 1 }, timeoutMs: 600_000 }, controller.signal, () => started.push(label), () => queued.add(label))
      outcome.catch(() => {})
      return { label, outcome, end: () => controller.abort(new Error(`${label} ended by the test`)) }
    }
    /** A slow call: it answers when `release` is called, and its worker goes on to the next call. */
    function slow(userId: string) {
      const release = join(releases, `${userId}${count + 1}`)
      return { ...call(userId, 'until_released', { release }), release: () => writeFileSync(release, '') }
    }
    /** Resolves once every call of `calls` is in the pool's queue (the pool starts asynchronously). */
    const inQueue = (...calls: Array<{ label: string }>) => expect.poll(() => calls.every(({ label }) => queued.has(label)), POLL).toBe(true)
    return { pool, started, call, slow, inQueue }
  }

  it('one user\'s 20 slow calls and another user\'s one call: the other runs as soon as a worker frees, not after the 20', async () => {
    const { pool, started, call, slow, inQueue } = sharedPool({ maxWorkers: 2 })
    const alice = Array.from({ length: 20 }, () => slow('alice'))
    await expect.poll(() => started.length, POLL).toBe(2)
    const bob = call('bob', 'echo', { text: 'hi' })
    await inQueue(bob)
    alice[0]!.release()
    expect(await bob.outcome).toMatchObject({ result: { text: 'hi', userId: 'bob' } })
    expect(started[2]).toBe('bob21')
    for (const each of alice) each.end()
    await Promise.allSettled(alice.map(each => each.outcome))
    expect(pool.stats().calls).toBe(0)
  })

  it('with four workers, a user holding more of them does not get back the one that frees while another user\'s call waits', async () => {
    const { pool, started, slow, inQueue } = sharedPool({ maxWorkers: 4 })
    const alice = Array.from({ length: 20 }, () => slow('alice'))
    await expect.poll(() => started.length, POLL).toBe(4)
    const bob = [slow('bob'), slow('bob')]
    await inQueue(...bob)
    alice[0]!.release()
    await expect.poll(() => started.length, POLL).toBe(5)
    alice[1]!.release()
    await expect.poll(() => started.length, POLL).toBe(6)
    // In turns alone alice (served before bob's first call) got the sixth: alice 3 workers, bob 1 and one waiting.
    // (The first four start on four new workers, in the order those come up.)
    expect(started.slice(4)).toEqual(['bob21', 'bob22'])
    // Bob done, alice alone again takes every worker that frees.
    for (const each of bob) each.release()
    await expect.poll(() => started.length, POLL).toBe(8)
    // (Both of bob's workers free at once: which of the two reports its start first is theirs to race.)
    expect(started.slice(6).sort()).toEqual(['alice5', 'alice6'])
    expect(await Promise.all(bob.map(each => each.outcome))).toMatchObject([{ result: { released: true } }, { result: { released: true } }])
    for (const each of alice) each.end()
    await Promise.allSettled(alice.map(each => each.outcome))
    expect(pool.stats().calls).toBe(0)
  })

  it('a full queue: another user\'s call takes the place of the newest waiting call of the user filling it, which ends not run', async () => {
    const { pool, started, slow, inQueue } = sharedPool({ maxWorkers: 1, maxQueue: 2 })
    const alice = [slow('alice'), slow('alice'), slow('alice')]
    await inQueue(...alice)
    const bob = slow('bob')
    await expect(alice[2]!.outcome).rejects.toThrow('Tool "until_released" was not run: the isolation queue was full (2 calls waiting, isolation.maxQueue) and this job\'s user had the most calls in it, so its place went to another user\'s call; try again later')
    await inQueue(bob)
    // alice, the one holding most, is refused as before.
    await expect(slow('alice').outcome).rejects.toThrow('every isolation worker is busy and 2 calls are already waiting')
    alice[0]!.release()
    bob.release()
    alice[1]!.release()
    await Promise.all([alice[0]!.outcome, bob.outcome, alice[1]!.outcome])
    expect(started).toEqual(['alice1', 'bob4', 'alice2'])
    expect(pool.stats().calls).toBe(0)
  })

  it('a user whose tools misbehave ends only those calls: the other user\'s calls run, workers are replaced, the counts go back to zero', async () => {
    const { pool, started, call, inQueue } = sharedPool({ maxWorkers: 2, heapMb: 32 })
    const marker = join(markers, 'spin')
    // A spin (ended by its job's abort once it spins), a promise that never settles (ended the same way).
    const spin = call('alice', 'spin', { marker })
    const hang = call('alice', 'honour_signal')
    await expect.poll(() => started.length, POLL).toBe(2)
    const faults = [call('alice', 'hog'), call('alice', 'throw_odd', { kind: 'symbol' }), call('alice', 'throw_odd', { kind: 'no-prototype' }), call('alice', 'exit')]
    const bob = [call('bob', 'echo', { text: 'one' }), call('bob', 'echo', { text: 'two' })]
    await inQueue(...faults, ...bob)
    await expect.poll(() => existsSync(marker), POLL).toBe(true)
    // The spin is ended first, alone: while alice still holds the other worker, the freed one goes
    // to bob. (Ending both at once made it a tie of two users holding none, which alice, first in
    // the queue, may win, depending on which worker came free first.)
    spin.end()
    await expect(spin.outcome).rejects.toThrow('alice1 ended by the test')
    await expect.poll(() => started.length, POLL).toBe(3)
    // Bob's first call went before alice's waiting ones as soon as a worker freed.
    expect(started[2]).toBe('bob7')
    hang.end()
    await expect(hang.outcome).rejects.toThrow('alice2 ended by the test')
    await expect(faults[0]!.outcome).rejects.toThrow('Tool "hog" was stopped: it used more memory than its heap limit of 32 MB (isolation.heapMb)')
    await expect(faults[1]!.outcome).rejects.toThrow()
    await expect(faults[2]!.outcome).rejects.toThrow()
    await expect(faults[3]!.outcome).rejects.toThrow('process.exit(3) is not allowed in an isolated tool')
    expect(await Promise.all(bob.map(each => each.outcome))).toMatchObject([{ result: { text: 'one' } }, { result: { text: 'two' } }])
    expect(pool.stats().calls).toBe(0)
    // The pool still works, on workers that replaced the stopped ones.
    expect(await call('carol', 'echo', { text: 'after' }).outcome).toMatchObject({ result: { text: 'after' } })
    expect(pool.stats()).toMatchObject({ calls: 0 })
    expect(pool.stats().workers).toBeLessThanOrEqual(2)
  })
})
