/**
 * The batch clock: every job's windows on one timer, leading sends on one setImmediate per turn,
 * nothing left behind after the last window ends or is cancelled.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createBatchClock } from '../../server/lib/batch-clock'
import type { BatchTarget } from '../../server/lib/batch-clock'

function target() {
  const calls: string[] = []
  const self: BatchTarget & { calls: string[] } = {
    jobId: 'j1',
    calls,
    windowEnded: () => calls.push(`end@${performance.now()}`),
    sendLeading: () => calls.push('leading'),
  }
  return self
}

describe('batch clock', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('1,000 windows run on one timer and each ends once, at its own end', async () => {
    const clock = createBatchClock()
    const targets = Array.from({ length: 1_000 }, target)
    for (const [index, each] of targets.entries()) {
      if (index === 500) await vi.advanceTimersByTimeAsync(10)
      clock.open(each, 50)
    }
    expect(vi.getTimerCount()).toBe(1)
    expect(clock.openWindows).toBe(1_000)
    await vi.advanceTimersByTimeAsync(45)
    expect(targets.filter(each => each.calls.length > 0)).toHaveLength(500)
    await vi.advanceTimersByTimeAsync(20)
    expect(targets.every(each => each.calls.length === 1)).toBe(true)
    expect(targets[0]!.calls[0]).toBe(`end@50`)
    expect(targets[999]!.calls[0]).toBe(`end@60`)
    expect(clock.openWindows).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('a cancelled window never ends; cancelling the last one lets go of the timer', async () => {
    const clock = createBatchClock()
    const first = target()
    const second = target()
    const cancelFirst = clock.open(first, 50)
    const cancelSecond = clock.open(second, 50)
    cancelFirst()
    cancelFirst()
    expect(clock.openWindows).toBe(1)
    await vi.advanceTimersByTimeAsync(60)
    expect(first.calls).toEqual([])
    expect(second.calls).toEqual(['end@50'])
    cancelSecond()
    expect(clock.openWindows).toBe(0)
    const third = target()
    clock.open(third, 50)()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('a shorter window opened later still ends first', async () => {
    const clock = createBatchClock()
    const long = target()
    const short = target()
    clock.open(long, 100)
    clock.open(short, 20)
    await vi.advanceTimersByTimeAsync(30)
    expect(short.calls).toEqual(['end@20'])
    expect(long.calls).toEqual([])
    await vi.advanceTimersByTimeAsync(100)
    expect(long.calls).toEqual(['end@100'])
  })

  it('leading sends run once per target at the end of the turn, all on one immediate; dispose clears everything', async () => {
    const clock = createBatchClock()
    const targets = [target(), target(), target()]
    for (const each of targets) {
      clock.soon(each)
      clock.soon(each)
    }
    clock.notSoon(targets[2]!)
    expect(vi.getTimerCount()).toBe(1)
    expect(targets[0]!.calls).toEqual([])
    await vi.advanceTimersByTimeAsync(0)
    expect(targets.map(each => each.calls)).toEqual([['leading'], ['leading'], []])
    clock.open(targets[0]!, 50)
    clock.soon(targets[1]!)
    clock.dispose()
    expect(vi.getTimerCount()).toBe(0)
    expect(clock.openWindows).toBe(0)
    await vi.advanceTimersByTimeAsync(100)
    expect(targets[0]!.calls).toEqual(['leading'])
  })
})
