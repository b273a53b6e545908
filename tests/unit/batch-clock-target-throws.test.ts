/**
 * The batch clock runs every job's window on one timer. A job whose window end (or leading send)
 * threw stopped the loop there: the other jobs' windows due at the same time never ended and the
 * timer was not armed again — their text waited for some job to open a new window — and the
 * throw escaped the timer as an uncaught exception. Now each target is on its own: the others end
 * on time, the clock stays armed, and the error goes to `onError` (the engine logs it).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { BatchTarget } from '../../server/lib/batch-clock'
import { createBatchClock } from '../../server/lib/batch-clock'

function counting(throws = false) {
  const self = {
    jobId: throws ? 'failing' : 'other',
    ended: 0,
    leading: 0,
    windowEnded() {
      self.ended++
      if (throws) throw new Error('commit failed')
    },
    sendLeading() {
      self.leading++
      if (throws) throw new Error('commit failed')
    },
  } satisfies BatchTarget & Record<string, unknown>
  return self
}

describe('a batch target that throws', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('leaves the other windows due with it, and later ones, on time', async () => {
    const errors: unknown[] = []
    const clock = createBatchClock({ onError: error => errors.push(error) })
    const failing = counting(true)
    const others = [counting(), counting()]
    clock.open(failing, 50)
    for (const other of others) clock.open(other, 50)
    await vi.advanceTimersByTimeAsync(60)
    expect(others.map(other => other.ended)).toEqual([1, 1])
    const later = counting()
    clock.open(later, 50)
    clock.open(counting(true), 10)
    await vi.advanceTimersByTimeAsync(60)
    expect(later.ended).toBe(1)
    expect(errors).toHaveLength(2)
    expect(clock.openWindows).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('leaves the other leading sends of the turn', async () => {
    const errors: unknown[] = []
    const clock = createBatchClock({ onError: error => errors.push(error) })
    const failing = counting(true)
    const other = counting()
    clock.soon(failing)
    clock.soon(other)
    await vi.advanceTimersByTimeAsync(1)
    expect(other.leading).toBe(1)
    expect(errors).toHaveLength(1)
  })
})
