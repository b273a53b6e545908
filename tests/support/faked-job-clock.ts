/**
 * A faked `Date` for a test file whose jobs must come a second apart (a thread's turns are placed
 * by their jobs' times). Each test starts the clock an hour back and `tick` moves it a second on
 * (`vi.waitFor` moves it too, by its interval); after the test, every job it created must carry an
 * instant of that faked clock, each its own. The file must serve its app with
 * `now: () => Date.now()`: the engine's default clock is `Date.now` itself, taken when the app is
 * served (beforeAll, before the fake), so a faked Date would never reach createdAt and two jobs
 * made in the same real millisecond would fall in a random order. An hour back, a clock that does
 * not reach the engine fails the check every time (its createdAt is past the faked clock's end).
 */
import { afterEach, beforeEach, expect, vi } from 'vitest'
import type { RouteApp } from './route-app'

const ALL = { limit: 1_000_000 }

/** Moves the faked Date a second on: the next job comes a second after the last. */
export const tick = () => vi.setSystemTime(Date.now() + 1000)

/** Fakes Date around each test of the file and checks the jobs the test created. */
export function useFakedJobClock(app: RouteApp, userId = 'user-1'): void {
  let before = new Set<string>()
  let start = 0
  beforeEach(async () => {
    before = new Set((await app.engine.listJobs(userId, ALL)).map(job => job.id))
    vi.useFakeTimers({ toFake: ['Date'] })
    start = Date.now() - 3_600_000
    vi.setSystemTime(start)
  })
  afterEach(async () => {
    const end = Date.now()
    vi.useRealTimers()
    const createdAt = (await app.engine.listJobs(userId, ALL)).filter(job => !before.has(job.id)).map(job => job.createdAt).sort((a, b) => a - b)
    expect(createdAt.filter(at => at < start || at > end), 'jobs created off the faked clock').toEqual([])
    expect(createdAt.filter((at, index) => at === createdAt[index - 1]), 'jobs created at the same instant').toEqual([])
  })
}
