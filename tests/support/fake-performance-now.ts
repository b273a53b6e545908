/**
 * `performance.now()` on a clock the test moves (`clock.ms += …`), from 1,000 ms before each test:
 * for code that reads elapsed time while it keeps the thread (no timer can run meanwhile).
 */
import { afterEach, beforeEach, vi } from 'vitest'

export function useFakePerformanceNow(): { ms: number } {
  const clock = { ms: 1_000 }
  beforeEach(() => {
    clock.ms = 1_000
    vi.spyOn(performance, 'now').mockImplementation(() => clock.ms)
  })
  afterEach(() => {
    vi.restoreAllMocks()
  })
  return clock
}
