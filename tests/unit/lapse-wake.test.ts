/**
 * The scan at a lease's lapse (lapse-wake.ts) on its own: a wake scan that lists no job newly
 * lapsed drops the wake it armed, so scans at live leases' lapses (a lease shorter than twice the
 * heartbeat) are at most one after each periodic scan, while lapses one after the other keep it going.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createLapseWake } from '../../server/lib/lapse-wake'
import { createTimerSet } from '../../server/lib/timers'

/** A lapse wake whose scans each answer `nextLapseInMs` and list `lapsed()`, taking `scanMs` each. */
function harness(options: { nextLapseInMs: number, lapsed: (scan: number) => string[], scanMs?: number }) {
  const timers = createTimerSet()
  let under: Promise<unknown> = Promise.resolve()
  const wakes = { run: 0, skipped: 0 }
  const scan = (wake: boolean) => {
    under = lapseWake.scan(wake, async () => {
      lapseWake.note(options.nextLapseInMs)
      if (options.scanMs) await new Promise(resolve => setTimeout(resolve, options.scanMs))
      lapseWake.listed(options.lapsed(wakes.run))
    })
    return under
  }
  const lapseWake = createLapseWake({
    timers,
    scanIntervalMs: () => 1_000,
    wake: current => void under.then(() => {
      if (!current()) return wakes.skipped++
      wakes.run++
      return scan(true)
    }),
  })
  return { timers, wakes, scan }
}

describe('the scan at a lease\'s lapse', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is not armed again by a wake scan that lists no job newly lapsed (the lease was renewed)', async () => {
    const { timers, wakes, scan } = harness({ nextLapseInMs: 100, lapsed: () => [] })
    await scan(false)
    await vi.advanceTimersByTimeAsync(5_000)
    expect(wakes.run).toBe(1)
    expect(timers.size).toBe(0)
  })

  it('is armed again by each wake scan that lists a job newly lapsed', async () => {
    const { wakes, scan } = harness({ nextLapseInMs: 100, lapsed: run => (run <= 5 ? [`job-${run}`] : [`job-5`]) })
    await scan(false)
    await vi.advanceTimersByTimeAsync(5_000)
    // Five lapses in a row, then one wake that finds the last one listed already.
    expect(wakes.run).toBe(6)
  })

  it('does not run when it fired during the scan that then dropped it', async () => {
    // The next lapse comes before the scan that learnt of it ends.
    const { timers, wakes, scan } = harness({ nextLapseInMs: 10, lapsed: () => [], scanMs: 50 })
    void scan(false)
    await vi.advanceTimersByTimeAsync(5_000)
    expect(wakes).toEqual({ run: 1, skipped: 1 })
    expect(timers.size).toBe(0)
  })
})
