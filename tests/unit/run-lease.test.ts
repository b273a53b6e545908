/**
 * The owner's lease: a refused heartbeat stops the local run, and the reason says whether another
 * instance took the job over or the store no longer has it (a Redis restart without its data). An
 * owner back from a pause past its lease (frozen, cut off) confirms the lease with the store before
 * it acts on a control or starts anything, and leaves the control to the real owner when it lost.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobRun } from '../../server/lib/job-run'
import { silentLogger } from '../../server/lib/logger'
import type { JobRecord } from '../../server/lib/providers/types'
import type { ControlReply, StoredJobControl } from '../../server/lib/providers/types'
import type { SharedProvider } from '../../server/lib/run-lease'
import { holdLease } from '../../server/lib/run-lease'
import { createTimerSet } from '../../server/lib/timers'

function fakeRun() {
  const timers = createTimerSet()
  return {
    timers,
    run: {
      record: { id: 'job-1', userId: 'user-1' },
      timers,
      live: { ended: false, ending: false, peek: () => ({ status: 'running' }) },
      controller: new AbortController(),
      config: { lease: { durationMs: 15_000, heartbeatMs: 5_000 } },
    } as unknown as JobRun,
  }
}

function fakeProvider(stored: JobRecord | null): SharedProvider {
  return {
    subscribeControls: () => () => {},
    heartbeatLease: async () => false,
    get: async () => stored,
  } as unknown as SharedProvider
}

describe('holdLease', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a refused heartbeat stops the run: lost to another instance while the store has the job, gone when it does not', async () => {
    for (const [stored, reason] of [[{ id: 'job-1' } as JobRecord, 'lease lost to another instance'], [null, 'the job is no longer in the store']] as const) {
      const { run, timers } = fakeRun()
      const lost: string[] = []
      const { release: stop } = holdLease(run, { instanceId: 'a', epoch: 1, expiresAt: 0 }, { provider: fakeProvider(stored), logger: silentLogger, onControl: async () => ({ ok: true }), onLost: (_, why) => lost.push(why) })
      await vi.advanceTimersByTimeAsync(5_000)
      expect(lost).toEqual([reason])
      stop()
      timers.clearAll()
    }
  })

  /** An owner whose lease the store either still extends (`held`) or gave to another instance; `unreachable` beats throw first. */
  function pausedOwner(held: boolean, unreachable = 0) {
    const { run, timers } = fakeRun()
    let clock = 0
    let deliver: (control: StoredJobControl) => void = () => {}
    const replies: Array<[string, ControlReply]> = []
    const acted: string[] = []
    const lost: string[] = []
    const provider = {
      subscribeControls: (_id: string, listener: (control: StoredJobControl) => void) => {
        deliver = listener
        return () => {}
      },
      heartbeatLease: async () => {
        if (unreachable-- > 0) throw new Error('store unreachable')
        return held
      },
      get: async () => ({ id: 'job-1' }),
      replyToControl: async (_id: string, controlId: string, reply: ControlReply) => {
        replies.push([controlId, reply])
      },
    } as unknown as SharedProvider
    const hold = holdLease(run, { instanceId: 'a', epoch: 1, expiresAt: 0 }, {
      provider,
      logger: silentLogger,
      monotonicNow: () => clock,
      onControl: async (_, control) => {
        acted.push(control.id)
        return { ok: true }
      },
      onLost: (target, why) => {
        lost.push(why)
        target.controller.abort(new Error(why))
      },
    })
    const control = { id: 'c1', type: 'input', userId: 'user-1', requestId: 'r1', answer: true } as unknown as StoredJobControl
    return {
      hold,
      timers,
      acted,
      lost,
      replies,
      deliver: () => deliver(control),
      /** The process was frozen for `ms` (no timer ran meanwhile). */
      freezeFor: (ms: number) => {
        clock += ms
      },
    }
  }

  it('within the lease nothing waits: confirm is null and a control is acted on at once', async () => {
    const owner = pausedOwner(false)
    owner.freezeFor(9_999)
    expect(owner.hold.confirm()).toBeNull()
    owner.deliver()
    await vi.advanceTimersByTimeAsync(0)
    expect(owner.acted).toEqual(['c1'])
    expect(owner.replies).toEqual([['c1', { ok: true }]])
    owner.hold.release()
    owner.timers.clearAll()
  })

  it('back from a pause past its lease, lost meanwhile: a control delivered late is not acted on nor answered, the run stops, and confirm rejects', async () => {
    const owner = pausedOwner(false)
    owner.freezeFor(20_000)
    const confirming = owner.hold.confirm()
    expect(confirming).not.toBeNull()
    const settled = confirming!.then(() => 'confirmed', (error: Error) => error.message)
    owner.deliver()
    await vi.advanceTimersByTimeAsync(0)
    expect(await settled).toBe('lease lost to another instance')
    expect(owner.acted).toEqual([])
    expect(owner.replies).toEqual([])
    expect(owner.lost).toEqual(['lease lost to another instance'])
    owner.hold.release()
    owner.timers.clearAll()
  })

  it('back from a pause past its lease, still held (nobody took it): the control is acted on once the store confirmed the lease', async () => {
    const owner = pausedOwner(true)
    owner.freezeFor(20_000)
    owner.deliver()
    await vi.advanceTimersByTimeAsync(0)
    expect(owner.acted).toEqual(['c1'])
    expect(owner.replies).toEqual([['c1', { ok: true }]])
    expect(owner.lost).toEqual([])
    expect(owner.hold.confirm()).toBeNull()
    owner.hold.release()
    owner.timers.clearAll()
  })

  it('back from a pause past its lease while the store cannot be reached: nothing acts until the store answers, then the lost run stops', async () => {
    const owner = pausedOwner(false, 3)
    owner.freezeFor(20_000)
    owner.deliver()
    await vi.advanceTimersByTimeAsync(9_000)
    expect(owner.acted).toEqual([])
    expect(owner.lost).toEqual([])
    await vi.advanceTimersByTimeAsync(10_000)
    expect(owner.lost).toEqual(['lease lost to another instance'])
    expect(owner.acted).toEqual([])
    expect(owner.replies).toEqual([])
    owner.hold.release()
    owner.timers.clearAll()
  })

  it('holds() says whether the lease surely holds without asking the store: true within it, false past it until a heartbeat is accepted', async () => {
    const owner = pausedOwner(true, 1)
    // Taken at 0 for 15 s: sure until 10 s (one heartbeat of margin).
    owner.freezeFor(9_999)
    expect(owner.hold.holds()).toBe(true)
    owner.freezeFor(1)
    expect(owner.hold.holds()).toBe(false)
    // Asking nothing: no heartbeat was sent by holds() (the first one, unreachable, is still due).
    expect(owner.hold.holds()).toBe(false)
    // The periodic heartbeat: the first fails (store unreachable) and changes nothing, the next is accepted.
    await vi.advanceTimersByTimeAsync(5_000)
    expect(owner.hold.holds()).toBe(false)
    await vi.advanceTimersByTimeAsync(5_000)
    expect(owner.hold.holds()).toBe(true)
    owner.hold.release()
    owner.timers.clearAll()
  })
  it('a waiting job on a store whose heartbeat does not read it (Convex) is looked up after each held heartbeat, one read at a time', async () => {
    const { run, timers } = fakeRun()
    ;(run.live as unknown as { peek: () => { status: string } }).peek = () => ({ status: 'waiting' })
    let reads = 0
    let answer: (record: JobRecord | null) => void = () => {}
    const provider = {
      subscribeControls: () => () => {},
      heartbeatLease: async () => true,
      get: async () => {
        reads++
        return await new Promise<JobRecord | null>((resolve) => {
          answer = resolve
        })
      },
    } as unknown as SharedProvider
    const lost: string[] = []
    const hold = holdLease(run, { instanceId: 'a', epoch: 1, expiresAt: 0 }, { provider, logger: silentLogger, onControl: async () => ({ ok: true }), onLost: (_, why) => lost.push(why) })
    // The store is slow: three beats while the first read has not answered ask nothing more.
    await vi.advanceTimersByTimeAsync(3 * 5_000)
    expect(reads).toBe(1)
    answer({ id: 'job-1' } as JobRecord)
    await vi.advanceTimersByTimeAsync(5_000)
    expect(reads).toBe(2)
    // Gone from the store: the run stops as at a refused write.
    answer(null)
    await vi.advanceTimersByTimeAsync(0)
    expect(lost).toEqual(['the job is no longer in the store'])
    hold.release()
    timers.clearAll()
  })
})
