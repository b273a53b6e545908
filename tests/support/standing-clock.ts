/**
 * A Redis provider's start-up run on a clock that stands still, for tests whose provider has a
 * short command timeout meant for the fault under test (a paused Redis, a blackholed connection).
 * Its checks at connect (INFO server, CLUSTER SLOTS, GETDEL, PUBLISH, EVAL, INFO memory) and the
 * test's own set-up (createJob) go through that timeout too, and failed with "did not answer"
 * whenever redis-server, another process, was kept off a loaded machine's cores for that long —
 * before the test reached the fault it is about. On the standing clock (setTimeout, clearTimeout
 * and performance faked; sockets and setImmediate real) no command deadline can pass, so start-up
 * waits as long as Redis takes; the fault then runs on the real clock, with the timeout as set.
 */
import { expect, vi } from 'vitest'

/**
 * Runs `start` on the standing clock and returns what it returns. Once it is done, nothing may
 * wait on that clock (a timer left there would never fire: `timersLeft` names those a test
 * knowingly leaves, e.g. a health check it does not need); the real clock is back on return.
 */
export async function onStandingClock<T>(start: () => Promise<T>, timersLeft = 0): Promise<T> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] })
  try {
    const started = await start()
    expect(vi.getTimerCount(), 'timers left waiting on the standing clock after start-up').toBe(timersLeft)
    return started
  }
  finally {
    vi.useRealTimers()
  }
}
