/**
 * A streaming job opens a window per event, so opening one is on the per-event path: a window
 * that ends after every open one (all of them, while the setting stays) is appended with a push —
 * a splice made the empty list of what it removed, per window. One that ends earlier (the setting
 * was lowered) is still sorted in, and windows still end in time order.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createBatchClock } from '../../server/lib/batch-clock'
import type { BatchTarget } from '../../server/lib/batch-clock'

const ended: string[] = []
const target = (jobId: string): BatchTarget => ({ jobId, windowEnded: () => ended.push(jobId), sendLeading: () => {} })

/** Counts the calls of `Array.prototype.splice` made by the batch clock (the test runner's own aside). */
function countSplices() {
  const splice = Array.prototype.splice
  const counted = { calls: 0, restore: () => void (Array.prototype.splice = splice) }
  Array.prototype.splice = function (this: unknown[], ...args: Parameters<typeof splice>) {
    if (new Error('splice').stack?.includes('server/lib/batch-clock')) counted.calls++
    return splice.apply(this, args)
  } as typeof splice
  return counted
}

describe('batch clock windows', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    ended.length = 0
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('appends a window that ends last without a splice, and sorts in one that ends sooner', async () => {
    const clock = createBatchClock()
    const splices = countSplices()
    try {
      for (let index = 0; index < 50; index++) clock.open(target(`a${index}`), 50)
      expect(splices.calls).toBe(0)
      clock.open(target('short'), 10)
      expect(splices.calls).toBe(1)
    }
    finally {
      splices.restore()
    }
    await vi.advanceTimersByTimeAsync(60)
    expect(ended).toEqual(['short', ...Array.from({ length: 50 }, (_, index) => `a${index}`)])
    clock.dispose()
  })
})
